import { buttonClass } from "~/components/ui/form";

/**
 * The campus single sign-on entry above the password form. A plain link loaded as a document: the
 * provider's page is another site, and a link works before hydration.
 */
export function SsoButton({ label, href }: { label: string; href: string }) {
  return (
    <div className="mb-6">
      <a href={href} className={`${buttonClass} w-full`}>
        {`${label}登录`}
      </a>
      <p className="mt-4 text-center text-xs text-stone-500">或使用学号/工号和密码登录</p>
    </div>
  );
}
