import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { endBrowserSession, requireAnonymous } from "~/.server/auth/guard";
import { LOGIN_FAILED_MESSAGE, signIn } from "~/.server/auth/login";
import { ssoEntry } from "~/.server/auth/sso/sign-in";
import { SsoButton } from "~/components/auth/sso-button";
import { Field, FormMessage, buttonClass, inputClass } from "~/components/ui/form";
import { safeRedirect } from "~/lib/safe-redirect";
import { readForm } from "~/.server/http/form-body";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction = () => pageMeta("登录 · 网上党校", "登录网上党校：用学号或工号学习课程、参加测试与竞赛、查看学时。");

const LoginSchema = z.object({
  username: z.string({ error: "请输入学号或工号" }).trim().min(1, "请输入学号或工号").max(64, "学号或工号过长"),
  password: z.string({ error: "请输入密码" }).min(1, "请输入密码").max(256, "密码过长"),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return { sso: ssoEntry(new URL(request.url).searchParams.get("redirectTo")) };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: LoginSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const { username, password, redirectTo } = submission.value;
  const result = await signIn(username, password);
  if (result.ok) await endBrowserSession(request);
  if (!result.ok) {
    return data({ result: submission.reply({ formErrors: [LOGIN_FAILED_MESSAGE], hideFields: ["password"] }) }, { status: 400 });
  }
  const to = result.mustChangePassword ? "/account/password" : safeRedirect(redirectTo);
  return redirect(to, { headers: { "Set-Cookie": result.cookie } });
}

export default function LoginPage() {
  const actionData = useActionData<typeof action>();
  const { sso } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    // Checked when sent, then as the person types: validating on blur would insert an error above the
    // submit button and the privacy link the moment the (autofocused) field loses focus to a tap on
    // them, moving them from under the finger before the click lands.
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  });
  return (
    <div className="mx-auto mt-4 max-w-sm rounded-lg bg-white p-6 shadow sm:mt-10">
      <h1 className="mb-1 text-center text-2xl font-bold text-party">网上党校</h1>
      <p className="mb-6 text-center text-sm text-stone-500">
        请使用学号或工号登录
        {/* Above the form: a field's error appearing on blur must not move the link from under the finger. */}
        <Link to="/activate" className="ml-2 text-party underline">
          首次登录？激活账号
        </Link>
      </p>
      {sso ? <SsoButton {...sso} /> : null}
      <Form method="post" {...getFormProps(form)}>
        <FormMessage messages={form.errors} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Field label="学号/工号" htmlFor={fields.username.id} errors={fields.username.errors} errorId={fields.username.errorId}>
          <input {...getInputProps(fields.username, { type: "text" })} autoComplete="username" autoFocus className={inputClass} />
        </Field>
        <Field label="密码" htmlFor={fields.password.id} errors={fields.password.errors} errorId={fields.password.errorId}>
          <input {...getInputProps(fields.password, { type: "password" })} autoComplete="current-password" className={inputClass} />
        </Field>
        <button type="submit" className={`${buttonClass} w-full`} disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? "正在登录…" : "登录"}
        </button>
      </Form>
      <footer className="mt-6 text-center text-xs text-stone-500">
        <Link to="/privacy" className="underline">
          隐私说明
        </Link>
        ：本系统保存哪些个人信息、为什么、保存多久、谁能看到
      </footer>
    </div>
  );
}
