import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { changeOwnPassword } from "~/.server/auth/login";
import { Field, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { NewPasswordSchema } from "~/lib/password-policy";
import { readForm } from "~/.server/http/form-body";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("修改密码 · 网上党校");

const ChangePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "请输入当前密码" }).max(256),
    newPassword: NewPasswordSchema,
    confirmPassword: z.string({ error: "请再次输入新密码" }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "两次输入的新密码不一致" })
  .refine((v) => v.newPassword !== v.currentPassword, { path: ["newPassword"], message: "新密码不能与当前密码相同" });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { allowPasswordChange: true });
  return { mustChange: user.mustChangePassword };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { allowPasswordChange: true });
  const submission = parseWithZod(await readForm(request), { schema: ChangePasswordSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["currentPassword", "newPassword", "confirmPassword"] }) }, { status: 400 });
  }
  const { currentPassword, newPassword } = submission.value;
  const result = await changeOwnPassword(user.id, user.number, currentPassword, newPassword);
  if (!result.ok) {
    return data(
      { result: submission.reply({ fieldErrors: { [result.field]: [result.message] }, hideFields: ["currentPassword", "newPassword", "confirmPassword"] }) },
      { status: 400 },
    );
  }
  return redirect("/account?changed=1", { headers: { "Set-Cookie": result.cookie } });
}

export default function ChangePasswordPage() {
  const { mustChange } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    // Re-validating on input (not blur) keeps the layout still between mousedown and click on submit.
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
  });
  return (
    <div className="mx-auto max-w-sm rounded-lg bg-white p-6 shadow">
      <h1 className="mb-2 text-xl font-bold">修改密码</h1>
      {mustChange ? (
        <p className="mb-4 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status">
          这是您首次登录或密码已被重置，请先设置新密码再继续使用。
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)}>
        <FormMessage messages={form.errors} />
        <Field label="当前密码" htmlFor={fields.currentPassword.id} errors={fields.currentPassword.errors}>
          <input {...getInputProps(fields.currentPassword, { type: "password" })} autoComplete="current-password" className={inputClass} />
        </Field>
        <Field label="新密码（至少 8 位，含字母和数字）" htmlFor={fields.newPassword.id} errors={fields.newPassword.errors}>
          <input {...getInputProps(fields.newPassword, { type: "password" })} autoComplete="new-password" className={inputClass} />
        </Field>
        <Field label="确认新密码" htmlFor={fields.confirmPassword.id} errors={fields.confirmPassword.errors}>
          <input {...getInputProps(fields.confirmPassword, { type: "password" })} autoComplete="new-password" className={inputClass} />
        </Field>
        <button type="submit" className={`${buttonClass} w-full`}>
          保存新密码
        </button>
      </Form>
    </div>
  );
}
