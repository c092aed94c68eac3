import nodemailer, { type Transporter, type TransportOptions } from "nodemailer";
import { env } from "../env";
import { type Channel } from "./channels";

// Email through SMTP (nodemailer), when SMTP_URL or SMTP_HOST is set. The address is the one the
// person gave in 通知设置; without one the delivery is skipped with the reason.

const TIMEOUT_MS = 20_000;

type SmtpSettings = NonNullable<typeof env.smtp>;

export function createEmailChannel(opts: { smtp?: () => SmtpSettings | null; publicUrl?: () => string | undefined } = {}): Channel {
  const settings = opts.smtp ?? (() => env.smtp);
  const publicUrl = opts.publicUrl ?? (() => env.publicUrl);
  let transport: Transporter | undefined;
  const transporter = (s: SmtpSettings) => {
    const timeouts = { connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS };
    return (transport ??= s.url
      ? nodemailer.createTransport({ url: s.url, ...timeouts } as TransportOptions)
      : nodemailer.createTransport({
          host: s.host,
          port: s.port ?? 587,
          secure: s.port === 465,
          auth: s.user ? { user: s.user, pass: s.pass ?? "" } : undefined,
          ...timeouts,
        }));
  };
  return {
    name: "email",
    configured: () => settings() !== null,
    async send(message, person) {
      const s = settings();
      if (!s) return { outcome: "skipped", reason: "服务器未配置邮件发送" };
      if (!person.email) return { outcome: "skipped", reason: "未填写接收通知的电子邮箱" };
      const link = message.url ? `${publicUrl() ?? ""}${message.url}` : null;
      await transporter(s).sendMail({
        from: s.from ?? s.user ?? "网上党校 <noreply@localhost>",
        to: { name: person.name, address: person.email },
        subject: message.title,
        text: [`${person.name}：`, "", message.body, ...(link ? ["", `查看详情：${link}`] : []), "", "—— 网上党校（可在“通知设置”中关闭此类邮件）"].join("\n"),
      });
      return { outcome: "sent" };
    },
  };
}
