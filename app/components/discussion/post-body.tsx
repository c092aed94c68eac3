import { useMdxComponent } from "~/components/mdx/mdx-content";
import { type MdxNode } from "~/lib/mdx-tree";

// A post's text: the tree made on the server from its Markdown (app/lib/post-markdown.ts), rendered by
// the lessons' renderer, which checks every tag and prop against the allowed lists again.
export function PostBody({ tree }: { tree: readonly MdxNode[] }) {
  const Body = useMdxComponent(tree);
  return (
    <div className="break-words text-[15px] leading-relaxed [&_blockquote]:border-l-4 [&_blockquote]:border-stone-300 [&_blockquote]:pl-2 [&_blockquote]:text-stone-600 [&_pre]:overflow-x-auto [&_pre]:bg-stone-100 [&_pre]:p-2 [&_ol]:list-decimal [&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5 [&_a]:text-party [&_a]:underline [&_p]:my-1">
      <Body />
    </div>
  );
}
