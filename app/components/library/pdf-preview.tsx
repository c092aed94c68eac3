import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { useEffect, useRef, useState } from "react";

// A PDF shown in the page without a plugin: pdf.js, loaded in the browser only, draws each page on a
// canvas. Its worker and the file both come from this site (the worker is a build asset; the file is
// /documents/:id/pdf, scoped and audited like the download). Nothing in the file is run as code:
// fonts are never compiled with eval (`isEvalSupported: false`), XFA forms are off, and the PDF's own
// JavaScript needs pdf.js's scripting sandbox, which this page never loads.

const MAX_PAGES = 30;

export function PdfPreview({ src }: { src: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ status: "loading" | "done" | "failed"; pages: number }>({ status: "loading", pages: 0 });

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => Promise<void>) | null = null;
    void (async () => {
      try {
        const pdfjs = await import("pdfjs-dist");
        pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
        const task = pdfjs.getDocument({ url: src, isEvalSupported: false, enableXfa: false });
        destroy = () => task.destroy();
        const doc = await task.promise;
        const target = box.current;
        if (cancelled || !target) return;
        target.replaceChildren();
        const width = Math.min(target.clientWidth || 800, 1000);
        for (let n = 1; n <= Math.min(doc.numPages, MAX_PAGES) && !cancelled; n++) {
          const page = await doc.getPage(n);
          const base = page.getViewport({ scale: 1 });
          const viewport = page.getViewport({ scale: (width / base.width) * (window.devicePixelRatio || 1) });
          const canvas = document.createElement("canvas");
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.style.width = "100%";
          canvas.className = "mb-3 rounded bg-white shadow";
          canvas.setAttribute("aria-label", `第 ${n} 页`);
          target.append(canvas);
          await page.render({ canvas, viewport }).promise;
        }
        if (!cancelled) setState({ status: "done", pages: doc.numPages });
      } catch {
        if (!cancelled) setState({ status: "failed", pages: 0 });
      }
    })();
    return () => {
      cancelled = true;
      void destroy?.();
    };
  }, [src]);

  return (
    <div>
      {state.status === "loading" ? <p className="text-sm text-stone-500">正在加载预览……</p> : null}
      {state.status === "failed" ? <p className="text-sm text-red-700">无法预览此文件，请下载后查看。</p> : null}
      {state.status === "done" && state.pages > MAX_PAGES ? <p className="text-sm text-stone-500">预览仅显示前 {MAX_PAGES} 页，完整内容请下载。</p> : null}
      <div ref={box} data-testid="pdf-pages" data-pages={state.status === "done" ? Math.min(state.pages, MAX_PAGES) : undefined} />
    </div>
  );
}
