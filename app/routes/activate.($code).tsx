import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { activateAccount } from "~/.server/auth/activation";
import { endBrowserSession } from "~/.server/auth/guard";
import { Field, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { ActivationCodeSchema, formatActivationCode, normaliseActivationCode } from "~/lib/activation-code";
import { NewPasswordSchema } from "~/lib/password-policy";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// /activate and /activate/:code (the link of a printed slip's QR code): a person who has not signed
// in before enters their 学号 and the code, chooses a password and is signed in (decision 030).

export const meta: MetaFunction = () => [...pageMeta("激活账号 · 网上党校"), { name: "robots", content: "noindex" }];

// The code may sit in the address: no cache keeps the page.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const ActivateSchema = z
  .object({
    number: z.string({ error: "请输入学号或工号" }).trim().min(1, "请输入学号或工号").max(64, "学号或工号过长"),
    code: ActivationCodeSchema,
    newPassword: NewPasswordSchema,
    confirmPassword: z.string({ error: "请再次输入新密码" }).max(256),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "两次输入的新密码不一致" });

const SECRET_FIELDS = ["newPassword", "confirmPassword"];

export async function loader({ params }: LoaderFunctionArgs) {
  const code = params.code ? normaliseActivationCode(params.code) : null;
  return { code: code ? formatActivationCode(code) : null };
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: ActivateSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: SECRET_FIELDS }) }, { status: 400 });
  }
  const { number, code, newPassword } = submission.value;
  try {
    const { cookie } = await activateAccount(number, code, newPassword);
    await endBrowserSession(request);
    return redirect("/", { headers: { "Set-Cookie": cookie } });
  } catch (e) {
    return formRefusal(submission, e, {}, { hideFields: SECRET_FIELDS });
  }
}

export default function ActivatePage() {
  const { code } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    defaultValue: { code: code ?? "" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ActivateSchema }),
  });
  return (
    <div className="mx-auto mt-4 max-w-sm rounded-lg bg-white p-6 shadow sm:mt-10">
      <h1 className="mb-1 text-center text-2xl font-bold text-party">激活账号</h1>
      <p className="mb-6 text-center text-sm text-stone-500">首次使用网上党校：输入学号/工号和激活码，设置自己的登录密码</p>
      <Form method="post" {...getFormProps(form)}>
        <FormMessage messages={form.errors} />
        <Field label="学号/工号" htmlFor={fields.number.id} errors={fields.number.errors} errorId={fields.number.errorId}>
          <input {...getInputProps(fields.number, { type: "text" })} autoComplete="username" autoFocus className={inputClass} />
        </Field>
        <Field label="激活码（12 位，见激活通知单）" htmlFor={fields.code.id} errors={fields.code.errors} errorId={fields.code.errorId}>
          <input
            {...getInputProps(fields.code, { type: "text" })}
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="XXXX-XXXX-XXXX"
            className={`${inputClass} font-mono tracking-wider`}
          />
        </Field>
        <Field
          label="设置密码（至少 8 位，含字母和数字）"
          htmlFor={fields.newPassword.id}
          errors={fields.newPassword.errors}
          errorId={fields.newPassword.errorId}
        >
          <input {...getInputProps(fields.newPassword, { type: "password" })} autoComplete="new-password" className={inputClass} />
        </Field>
        <Field label="确认密码" htmlFor={fields.confirmPassword.id} errors={fields.confirmPassword.errors} errorId={fields.confirmPassword.errorId}>
          <input {...getInputProps(fields.confirmPassword, { type: "password" })} autoComplete="new-password" className={inputClass} />
        </Field>
        <button type="submit" className={`${buttonClass} w-full`} disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? "正在激活…" : "激活并登录"}
        </button>
      </Form>
      <p className="mt-4 text-center text-sm text-stone-500">
        激活码仅限本人使用一次，过期或遗失请联系所在党支部书记重新发放。已设置密码？
        <Link to="/login" className="text-party underline">
          直接登录
        </Link>
      </p>
    </div>
  );
}
