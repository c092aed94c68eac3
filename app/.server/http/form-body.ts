// Every action reads its form through here. A body that says it is a form but cannot be read as one
// (a multipart body whose parts do not follow its boundary, a truncated body) makes
// `request.formData()` throw, which Remix would answer with a 500: it is the client's mistake, so it
// gets a 400 and a sentence in Chinese, and the action never sees a half-read form.

export const UNREADABLE_FORM_MESSAGE = "提交的内容无法读取，请通过页面表单重新提交";

export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response(UNREADABLE_FORM_MESSAGE, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
