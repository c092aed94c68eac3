// How a request's signal ends (remix-handler.ts): aborted when the client goes before its answer is
// whole, or with ANSWERED once the answer has been sent, so that what still waits on the signal lets go
// at once. Remix starts a timer of `streamTimeout` (5 s) for every page's and .data answer's data and
// clears it only on this signal; left alone, each answer's controller and timer lived 5 s, long enough
// for the collector to promote them (bench README, session 53).

/**
 * The reason a request's signal gives once its answer was sent: one value for every request, so the end
 * of a request costs no DOMException and its stack (decision 085). A registered symbol, the same in the
 * server's own modules and in the Remix build, which loads this module again.
 */
export const ANSWERED = Symbol.for("wangshang-dangxiao.request-answered");

/** Whether the request's signal says the client went away before its answer was whole. */
export const clientLeft = (signal: AbortSignal): boolean => signal.aborted && signal.reason !== ANSWERED;
