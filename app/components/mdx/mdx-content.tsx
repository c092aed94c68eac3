import { type ReactNode, createContext, createElement, useContext, useMemo } from "react";
import { MDX_TAGS, type MdxNode, allowedProps, isMdxComponent } from "~/lib/mdx-tree";

// Rendering a compiled lesson (a tree of plain data, app/lib/mdx-tree.ts) with the one typed map of
// components offered to MDX. The page supplies what the components need through LessonMdxContext:
// where media files are served, the lesson's video player and its checkpoints.

export type LessonMdxSlots = {
  /** The URL of a file in the course's media folder. */
  mediaUrl: (path: string) => string;
  /** A picture's pixel size, when the page knows it: the <img> gets width and height, so nothing moves when it loads. */
  imageSize?: (path: string) => { width: number; height: number } | undefined;
  /** The lesson's video player, for <Video />; null when the lesson has no video. */
  video?: () => ReactNode;
  /** A checkpoint question by id, for <Checkpoint id="…" />. */
  checkpoint?: (id: string) => ReactNode;
};

const LessonMdxContext = createContext<LessonMdxSlots>({ mediaUrl: () => "" });
export const LessonMdxProvider = LessonMdxContext.Provider;

const CALLOUT_STYLES: Record<string, { label: string; className: string }> = {
  tip: { label: "提示", className: "border-amber-400 bg-amber-50" },
  note: { label: "注意", className: "border-sky-500 bg-sky-50" },
  quote: { label: "原文", className: "border-party bg-red-50" },
};

function Callout({ type, source, children }: { type?: string; source?: string; children?: ReactNode }) {
  const style = CALLOUT_STYLES[type ?? "tip"] ?? CALLOUT_STYLES.tip;
  return (
    // A note in the text, not a landmark: an <aside> in <main> is one more unnamed landmark per callout.
    <div role="note" className={`my-4 rounded border-l-4 p-3 ${style.className}`}>
      <p className="mb-1 text-xs font-semibold text-stone-600">{style.label}</p>
      <div className="[&>p]:my-1">{children}</div>
      {source ? <p className="mt-1 text-right text-xs text-stone-600">——{source}</p> : null}
    </div>
  );
}

function Figure({ src, alt, caption }: { src?: string; alt?: string; caption?: string }) {
  const { mediaUrl, imageSize } = useContext(LessonMdxContext);
  if (!src) return null;
  const size = imageSize?.(src);
  return (
    <figure className="my-4">
      <img
        src={mediaUrl(src)}
        alt={alt ?? ""}
        loading="lazy"
        width={size?.width}
        height={size?.height}
        className="mx-auto h-auto max-h-96 max-w-full object-contain"
      />
      {caption ? <figcaption className="mt-1 text-center text-xs text-stone-600">{caption}</figcaption> : null}
    </figure>
  );
}

function Video() {
  const { video } = useContext(LessonMdxContext);
  return video ? <>{video()}</> : null;
}

function Checkpoint({ id }: { id?: string }) {
  const { checkpoint } = useContext(LessonMdxContext);
  return checkpoint && id ? <>{checkpoint(id)}</> : null;
}

/** The components offered to MDX: one typed map, the same names as MDX_COMPONENTS. */
export const mdxComponents = { Video, Callout, Figure, Checkpoint } satisfies Record<string, (props: never) => ReactNode>;

function render(nodes: readonly MdxNode[], keyPrefix = ""): ReactNode[] {
  return nodes.map((n, i) => {
    if (typeof n === "string") return n;
    const key = `${keyPrefix}${i}`;
    // Checked again here: a tree from the cache is data, and data is not trusted to be what it claims.
    if (!isMdxComponent(n.t) && !MDX_TAGS.has(n.t)) return null;
    const props: Record<string, string> = { key, ...allowedProps(n.t, n.p ?? {}) };
    const children = n.c?.length ? render(n.c, `${key}.`) : undefined;
    if (isMdxComponent(n.t)) return createElement(mdxComponents[n.t] as (p: object) => ReactNode, props, children);
    if (n.t === "a" && props.href && /^https?:/i.test(props.href)) Object.assign(props, { target: "_blank", rel: "noopener noreferrer nofollow" });
    return createElement(n.t === "h1" ? "h2" : n.t, props, children);
  });
}

/** The compiled lesson as a component; memoised on the tree, which changes only with its source. */
export function useMdxComponent(tree: readonly MdxNode[]) {
  return useMemo(
    () =>
      function MdxContent() {
        return <div className="lesson-prose">{render(tree)}</div>;
      },
    [tree],
  );
}
