import { type MetaFunction } from "@remix-run/react";
import { type StaticPageHandle } from "~/lib/static-page";
import { pageMeta } from "~/lib/page-meta";

// The page the service worker shows when a page cannot be loaded for want of a network (decision 055).
// It is cached once, without cookies, and shown at whatever address failed; it runs no script, so
// it works with nothing but itself and its stylesheet.

export const meta: MetaFunction = () => [...pageMeta("无网络连接 · 网上党校"), { name: "robots", content: "noindex" }];

export const handle: StaticPageHandle = { staticPage: true };

export default function Offline() {
  return (
    <div className="mx-auto max-w-md rounded-lg bg-white p-6 shadow" data-testid="offline-page">
      <h1 className="mb-2 text-xl font-bold text-party">当前没有网络连接</h1>
      <p className="text-stone-700">这个页面需要网络才能打开。请检查手机的网络后重试。</p>
      <p className="mt-3 text-stone-700">
        离线时<strong>不会保存任何内容</strong>：答题、学习时长、表单都不会被记录，也不会在恢复网络后自动补交。请在网络恢复后重新操作。
      </p>
      {/* An empty href is the address that failed: the same page, tried again. */}
      <a href="" className="mt-4 inline-block text-party underline">
        重新加载
      </a>
    </div>
  );
}
