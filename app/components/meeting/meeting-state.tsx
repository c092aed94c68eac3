// A member's state for one meeting in a word or two (the list and the meeting page share it).

type State = {
  leave: { status: string } | null;
  checkedIn: boolean;
  absent: boolean;
  makeup: { due: boolean; done: boolean } | null;
};

const LEAVE_LABELS: Record<string, string> = { pending: "请假待批", approved: "已准假", rejected: "请假未批准" };

export function meetingStateLabels(state: State, status: string): string[] {
  const labels: string[] = [];
  if (status === "cancelled") return ["已取消"];
  if (state.checkedIn) labels.push("已签到");
  if (state.leave) labels.push(LEAVE_LABELS[state.leave.status] ?? state.leave.status);
  if (state.absent && !state.leave) labels.push("缺席");
  if (state.makeup?.due) labels.push("待补学");
  if (state.makeup?.done) labels.push("已补学");
  return labels;
}

export function MeetingStateBadges({ state, status }: { state: State; status: string }) {
  return (
    <span className="flex flex-wrap gap-1">
      {meetingStateLabels(state, status).map((l) => (
        <span
          key={l}
          className={`rounded px-1.5 py-0.5 text-xs ${l === "待补学" || l === "缺席" ? "bg-amber-100 text-amber-900" : "bg-stone-100 text-stone-700"}`}
        >
          {l}
        </span>
      ))}
    </span>
  );
}
