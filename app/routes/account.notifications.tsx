import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { notificationSettings, saveNotificationSettings } from "~/.server/notify/preferences";
import { removePushSubscription, savePushSubscription } from "~/.server/notify/push-subscriptions";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { CHANNEL_LABELS, NOTIFICATION_CHANNELS, NOTIFICATION_KINDS, NOTIFICATION_KIND_KEYS } from "~/lib/notification-kinds";
import { clockToMinutes, minutesToClock } from "~/lib/notification-schedule";
import { pageMeta } from "~/lib/page-meta";

// The caller's notification settings (decision 054): a switch per kind and channel, quiet hours, the
// address email goes to, and the browsers subscribed to push, each removable. "在本设备接收推送"
// subscribes this browser through its service worker and posts the subscription here; it is always
// stored for the caller and the session, on a known push service only (decision 060).

export const meta: MetaFunction = () => pageMeta("通知设置 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const s = await notificationSettings(user.id);
  return {
    ...s,
    quiet: s.quiet ? { start: minutesToClock(s.quiet.start), end: minutesToClock(s.quiet.end) } : null,
    subscriptions: s.subscriptions.map((sub) => ({
      ...sub,
      createdAt: sub.createdAt.toISOString().slice(0, 10),
      lastSuccessAt: sub.lastSuccessAt?.toISOString().slice(0, 10) ?? null,
    })),
  };
}

const SWITCH_VALUES = new Set(NOTIFICATION_KIND_KEYS.flatMap((k) => NOTIFICATION_CHANNELS.map((c) => `${k}:${c}`)));
const Clock = z
  .string({ error: "请填写时间" })
  .transform((s, ctx) => clockToMinutes(s) ?? (ctx.addIssue({ code: "custom", message: "时间格式应为 HH:MM" }), z.NEVER));
const Base64Url = (bytes: number, name: string) =>
  z.string({ error: `缺少${name}` }).refine((s) => /^[A-Za-z0-9_-]+=*$/.test(s) && Buffer.from(s, "base64url").length === bytes, `${name}格式有误`);

const SettingsAction = z.discriminatedUnion("intent", [
  z
    .object({
      intent: z.literal("save"),
      on: z.preprocess(
        (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
        z.array(z.string().refine((s) => SWITCH_VALUES.has(s), "未知的通知类型")).max(100),
      ),
      quiet: z.literal("on").optional(),
      quietStart: Clock.optional(),
      quietEnd: Clock.optional(),
      email: z.email({ error: "电子邮箱格式有误" }).max(254, "电子邮箱过长").optional(),
    })
    .superRefine((v, ctx) => {
      if (!v.quiet) return;
      if (v.quietStart === undefined) ctx.addIssue({ code: "custom", path: ["quietStart"], message: "请填写开始时间" });
      if (v.quietEnd === undefined) ctx.addIssue({ code: "custom", path: ["quietEnd"], message: "请填写结束时间" });
      if (v.quietStart !== undefined && v.quietStart === v.quietEnd) ctx.addIssue({ code: "custom", path: ["quietEnd"], message: "开始和结束时间不能相同" });
    }),
  z.object({
    intent: z.literal("subscribe"),
    endpoint: z
      .url({ error: "推送地址有误" })
      .max(2048, "推送地址过长")
      .refine((u) => u.startsWith("https://"), "推送地址必须是 https"),
    p256dh: Base64Url(65, "加密公钥"),
    auth: Base64Url(16, "认证密钥"),
  }),
  z.object({ intent: z.literal("unsubscribe"), id: z.coerce.number().int().positive() }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readForm(request), { schema: SettingsAction });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const v = submission.value;
  if (v.intent === "save") {
    await saveNotificationSettings(user.id, {
      enabled: new Set(v.on),
      quiet: v.quiet ? { start: v.quietStart!, end: v.quietEnd! } : null,
      email: v.email ?? null,
    });
    return redirect("/account/notifications?saved=1");
  }
  if (v.intent === "subscribe") {
    try {
      await savePushSubscription(user.id, user.sessionId, {
        endpoint: v.endpoint,
        p256dh: v.p256dh,
        auth: v.auth,
        userAgent: request.headers.get("user-agent")?.slice(0, 300) ?? null,
      });
    } catch (e) {
      return formRefusal(submission, e);
    }
    return data({ result: submission.reply({ resetForm: true }), subscribed: true });
  }
  if (!(await removePushSubscription(user.id, v.id))) throw new Response("该推送订阅不存在", { status: 404 });
  return redirect("/account/notifications");
}

export default function NotificationSettingsPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({ id: "notification-settings", lastResult: actionData && "result" in actionData ? actionData.result : undefined });
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <div className="flex items-baseline gap-3">
        <h1 className="text-xl font-bold">通知设置</h1>
        <Link to="/notifications" className="ml-auto text-sm text-party underline">
          返回消息
        </Link>
      </div>
      {params.get("saved") ? <Notice>设置已保存。</Notice> : null}
      <Form method="post" {...getFormProps(form)} className="rounded-lg bg-white p-4 shadow">
        <FormMessage messages={form.errors} />
        <input type="hidden" name="intent" value="save" />
        <h2 className="mb-2 font-bold">接收哪些通知</h2>
        <p className="mb-3 text-sm text-stone-600">站内消息总会保留；这里选择哪些还要推送到手机或发送邮件。</p>
        <table className="mb-4 w-full text-sm">
          <thead>
            <tr className="text-left text-stone-600">
              <th className="py-1 font-medium">类型</th>
              {NOTIFICATION_CHANNELS.map((c) => (
                <th key={c} className="py-1 text-center font-medium">
                  {CHANNEL_LABELS[c]}
                  {d.configuredChannels.includes(c) ? null : <span className="block text-xs font-normal text-stone-600">（服务器未开启）</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.switches.map((row) => (
              <tr key={row.kind} className="border-t border-stone-100">
                <td className="py-2">{NOTIFICATION_KINDS[row.kind].label}</td>
                {row.channels.map((c) => (
                  <td key={c.channel} className="py-2 text-center">
                    <input
                      type="checkbox"
                      name="on"
                      value={`${row.kind}:${c.channel}`}
                      defaultChecked={c.enabled}
                      aria-label={`${NOTIFICATION_KINDS[row.kind].label}：${CHANNEL_LABELS[c.channel]}`}
                      className="h-5 w-5"
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <h2 className="mb-2 font-bold">免打扰时段（北京时间）</h2>
        <label className="mb-2 flex items-center gap-2 text-sm">
          <input type="checkbox" name="quiet" value="on" defaultChecked={d.quiet !== null} className="h-5 w-5" />
          开启免打扰：这段时间内的推送和邮件会等到结束后再发
        </label>
        <div className="flex gap-3">
          <Field label="开始" htmlFor={fields.quietStart.id} errors={fields.quietStart.errors}>
            <input id={fields.quietStart.id} name="quietStart" type="time" defaultValue={d.quiet?.start ?? "22:00"} className={inputClass} />
          </Field>
          <Field label="结束" htmlFor={fields.quietEnd.id} errors={fields.quietEnd.errors}>
            <input id={fields.quietEnd.id} name="quietEnd" type="time" defaultValue={d.quiet?.end ?? "07:00"} className={inputClass} />
          </Field>
        </div>
        <Field label="接收通知的电子邮箱（可不填）" htmlFor={fields.email.id} errors={fields.email.errors}>
          <input id={fields.email.id} name="email" type="email" maxLength={254} defaultValue={d.email ?? ""} className={inputClass} autoComplete="email" />
        </Field>
        <button type="submit" className={buttonClass}>
          保存设置
        </button>
      </Form>
      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="devices-heading">
        <h2 id="devices-heading" className="mb-2 font-bold">
          接收推送的设备
        </h2>
        {d.subscriptions.length === 0 ? <p className="mb-3 text-sm text-stone-500">还没有设备开启推送。</p> : null}
        <ul className="mb-3 divide-y divide-stone-100 text-sm">
          {d.subscriptions.map((s) => (
            <li key={s.id} className="flex items-center gap-3 py-2" data-testid="push-subscription">
              <span className="min-w-0 flex-1">
                <span className="block truncate">{s.userAgent ?? "未知浏览器"}</span>
                <span className="text-xs text-stone-500">
                  {s.endpoint} · {s.createdAt} 开启{s.lastSuccessAt ? ` · 最近送达 ${s.lastSuccessAt}` : ""}
                </span>
              </span>
              <Form method="post">
                <input type="hidden" name="id" value={s.id} />
                <button type="submit" name="intent" value="unsubscribe" className={secondaryButtonClass}>
                  移除
                </button>
              </Form>
            </li>
          ))}
        </ul>
        <SubscribeButton vapidPublicKey={d.vapidPublicKey} />
      </section>
    </div>
  );
}

/** Subscribes this browser; needs the page's script, the service worker, and the person's permission. */
function SubscribeButton({ vapidPublicKey }: { vapidPublicKey: string }) {
  const fetcher = useFetcher<typeof action>();
  const [supported, setSupported] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setSupported("serviceWorker" in navigator && "PushManager" in window && "Notification" in window), []);
  const subscribe = async () => {
    setProblem(null);
    try {
      if ((await Notification.requestPermission()) !== "granted") return setProblem("浏览器未允许显示通知：请在浏览器的网站设置中允许通知后再试。");
      const registration = await navigator.serviceWorker.ready;
      const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(vapidPublicKey) });
      const keys = sub.toJSON().keys ?? {};
      fetcher.submit({ intent: "subscribe", endpoint: sub.endpoint, p256dh: keys.p256dh ?? "", auth: keys.auth ?? "" }, { method: "post" });
    } catch {
      setProblem("开启推送失败：请确认使用的是支持推送的浏览器，并稍后重试。");
    }
  };
  const done = fetcher.data && "subscribed" in fetcher.data;
  // What the server refused (an endpoint not on a known push service, a browser another account holds), beside the button.
  const refused = fetcher.data && !done ? (fetcher.data.result.error?.endpoint ?? fetcher.data.result.error?.[""] ?? ["推送订阅未能保存，请稍后重试。"]) : null;
  return (
    <div>
      <button type="button" onClick={() => void subscribe()} disabled={!supported || fetcher.state !== "idle"} className={buttonClass}>
        在本设备接收推送
      </button>
      {supported === false ? <p className="mt-2 text-sm text-stone-500">此浏览器不支持推送通知。</p> : null}
      {problem || refused ? (
        <p className="mt-2 text-sm text-red-700" role="alert">
          {problem ?? refused?.join("；")}
        </p>
      ) : null}
      {done ? (
        <p className="mt-2 text-sm text-green-700" role="status">
          本设备已开启推送。
        </p>
      ) : null}
    </div>
  );
}

function base64UrlBytes(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
