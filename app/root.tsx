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
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { getUser } from "~/.server/auth/guard";
import { unreadCount } from "~/.server/notify/inbox";
import { SignOutForm } from "~/components/account/sign-out-form";
import { LearnerTabBar } from "~/components/nav/learner-tab-bar";
import { useNonce } from "~/components/nonce";
import { ServiceWorkerRegistration } from "~/components/service-worker-registration";
import { changesNoLoaderData } from "~/lib/autosave";
import { currentTab, showsTabBar } from "~/lib/learner-tabs";
import { hasAnyGrant } from "~/lib/permissions";
import { SEARCH_QUERY_MAX_CHARS } from "~/lib/search-terms";
import { isStaticPage } from "~/lib/static-page";
import { isWidePage } from "~/lib/wide-page";
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
  const handles = useMatches().map((m) => m.handle);
  const staticPage = isStaticPage(handles);
  // Management pages take the window's width (decision 065).
  const width = isWidePage(handles) ? "max-w-none" : "max-w-5xl";
  const { pathname } = useLocation();
  // The learners' bottom tab bar on phones (decision 063); the main area keeps its height free below.
  const tabBar = data?.user && !staticPage && showsTabBar(pathname);
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#c8102e" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen print:bg-white" data-tab-bar={tabBar ? "" : undefined}>
        {/* The first thing a keyboard reaches: past the header straight to the page (WCAG 2.4.1). */}
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-party focus:shadow focus:outline-2 focus:outline-party"
        >
          跳到主要内容
        </a>
        <Header user={data?.user ?? null} width={width} />
        <main
          id="main"
          tabIndex={-1}
          className={`mx-auto ${width} px-4 pt-4 pb-[calc(var(--tab-bar-height)+1rem)] focus:outline-none sm:pt-6 sm:pb-6 print:max-w-none print:p-0`}
        >
          {children}
        </main>
        {tabBar ? <LearnerTabBar current={currentTab(pathname)} unread={data.user!.unread} /> : null}
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

function Header({ user, width }: { user: { name: string; canManage: boolean; unread: number } | null; width: string }) {
  return (
    <header className="bg-party text-white shadow print:hidden">
      <div className={`mx-auto flex ${width} items-center gap-3 px-4 py-3`}>
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
            <SignOutForm className="rounded px-2 py-1 hover:bg-party-dark" />
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
