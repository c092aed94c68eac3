import { MdxRejected } from "./mdx-compile";

// The studio previews a lesson as its trainer types, and every preview is a compile in the one
// compiler thread (mdx-worker-pool.ts), which already takes turns between people. A person's own
// previews are bounded too: at most one compiling and one waiting. A newer preview takes the waiting
// one's place (its page has already dropped it for the newer text), so a burst of a hundred slow
// previews costs two compiles, not a hundred, and holds no hundred requests open.

export const PREVIEW_SUPERSEDED_MESSAGE = "已有更新的预览请求，本次预览已取消";

type Turn = { running: boolean; waiting: { start(): void; drop(): void } | null };

const turns = new Map<number, Turn>();

export async function previewInTurn<T>(personId: number, compile: () => Promise<T>): Promise<T> {
  let turn = turns.get(personId);
  if (!turn) turns.set(personId, (turn = { running: false, waiting: null }));
  if (turn.running) {
    turn.waiting?.drop();
    const mine = turn;
    await new Promise<void>((resolve, reject) => {
      mine.waiting = { start: resolve, drop: () => reject(new MdxRejected([{ line: null, message: PREVIEW_SUPERSEDED_MESSAGE }])) };
    });
  }
  turn.running = true;
  try {
    return await compile();
  } finally {
    const next = turn.waiting;
    turn.waiting = null;
    if (next) next.start();
    else {
      turn.running = false;
      turns.delete(personId);
    }
  }
}
