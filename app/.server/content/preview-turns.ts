import { MdxRejected } from "./mdx-compile";

// The studio previews a lesson as its trainer types, and every preview is a compile in the one
// compiler thread (mdx-worker-pool.ts), which takes them in order. Without a turn per person, one
// trainer sending a hundred slow previews at once would put a hundred ten-second compiles ahead of
// everybody else's. So each person has at most one preview compiling and one waiting: a newer
// preview takes the waiting one's place (its page has already dropped it for the newer text), and
// the waiting one joins the compiler's queue only when that person's running one is done, behind
// the previews other people asked for meanwhile.

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
