import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  type ShouldRevalidateFunction,
  ScrollRestoration,
  isRouteErrorResponse,
  useLoaderData,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { getUser } from "~/.server/auth/guard";
import { unreadCount } from "~/.server/notify/inbox";
import { useNonce } from "~/components/nonce";
import { ServiceWorkerRegistration } from "~/components/service-worker-registration";
import { changesNoLoaderData } from "~/lib/autosave";
import { hasAnyGrant } from "~/lib/permissions";
import { SEARCH_QUERY_MAX_CHARS } from "~/lib/search-terms";
import { isStaticPage } from "~/lib/static-page";
import { pageMeta } from "~/lib/page-meta";
import stylesheet from "~/tailwind.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  // The installable app (decision 055).
  { rel: "manifest", href: "/manifest.webmanifest" },
  { rel: "apple-touch-icon", href: "/icons/apple-touch-icon.png" },
];

// Who is signed in changes on navigations, not on an autosave (lib/autosave.ts).
// The title and description of a page that sets none of its own (an error page): decision 062.
export const meta: MetaFunction = () => pageMeta("网上党校");

export const shouldRevalidate: ShouldRevalidateFunction = (args) => (changesNoLoaderData(args) ? false : args.defaultShouldRevalidate);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  return {
    user: user
      ? {
          name: user.name,
          number: user.number,
          canManage: hasAnyGrant(user.grants, "org:view"),
          // The inbox badge (decision 054): one count on an index.
          unread: await unreadCount(user.id),
        }
      : null,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  const staticPage = isStaticPage(useMatches().map((m) => m.handle));
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#c8102e" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen print:bg-white">
        <Header user={data?.user ?? null} />
        <main className="mx-auto max-w-5xl px-4 py-4 sm:py-6 print:max-w-none print:p-0">{children}</main>
        {staticPage ? null : (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
            <ServiceWorkerRegistration />
          </>
        )}
      </body>
    </html>
  );
}

function Header({ user }: { user: { name: string; canManage: boolean; unread: number } | null }) {
  return (
    <header className="bg-party text-white shadow print:hidden">
      <div className="mx-auto flex max-w-5xl items-center gap-3 px-4 py-3">
        <Link to="/" className="text-lg font-bold tracking-wide">
          网上党校
        </Link>
        {user ? (
          // One box for courses, documents, pages and discussions (/search); it works before hydration.
          <Form method="get" action="/search" role="search" aria-label="全站搜索" className="min-w-0 flex-1 sm:max-w-xs">
            <input
              name="q"
              type="search"
              aria-label="全站搜索"
              placeholder="搜索"
              maxLength={SEARCH_QUERY_MAX_CHARS}
              className="w-full min-w-0 rounded bg-white/15 px-2 py-1 text-sm text-white placeholder:text-white/70 focus:bg-white focus:text-stone-900 focus:outline-none"
            />
          </Form>
        ) : null}
        {user ? (
          <nav className="ml-auto flex shrink-0 items-center gap-3 text-sm">
            {user.canManage ? (
              <Link to="/manage" className="rounded px-2 py-1 hover:bg-party-dark">
                管理
              </Link>
            ) : null}
            <Link
              to="/notifications"
              className="relative rounded px-2 py-1 hover:bg-party-dark"
              aria-label={user.unread ? `消息，${user.unread} 条未读` : "消息"}
              data-testid="inbox-link"
            >
              消息
              {user.unread ? (
                <span className="ml-1 rounded-full bg-white px-1.5 text-xs font-bold text-party" data-testid="unread-count">
                  {user.unread > 99 ? "99+" : user.unread}
                </span>
              ) : null}
            </Link>
            <Link to="/account" className="rounded px-2 py-1 hover:bg-party-dark" data-testid="current-user">
              {user.name}
            </Link>
            <Form method="post" action="/logout">
              <button type="submit" className="rounded px-2 py-1 hover:bg-party-dark">
                退出
              </button>
            </Form>
          </nav>
        ) : null}
      </div>
    </header>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "出错了";
  let message = "服务器遇到了问题，请稍后再试。";
  if (isRouteErrorResponse(error)) {
    if (error.status === 403) {
      title = "没有权限";
      message = "您没有权限查看此页面。如需访问，请联系您所在党组织的管理员。";
    } else if (error.status === 404) {
      title = "页面不存在";
      message = "您要找的页面不存在或已被删除。";
    } else if (error.status === 400) {
      title = "请求有误";
      message = typeof error.data === "string" ? error.data : "提交的内容有误。";
    }
  } else if (error instanceof Error) {
    console.error(error);
  }
  return (
    <div className="mx-auto max-w-md rounded-lg bg-white p-6 shadow" role="alert">
      <h1 className="mb-2 text-xl font-bold text-party">{title}</h1>
      <p className="text-stone-700">{message}</p>
      <Link to="/" className="mt-4 inline-block text-party underline">
        返回首页
      </Link>
    </div>
  );
}
