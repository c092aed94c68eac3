import { useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { banksForBuilder } from "~/.server/builder/banks";
import { builderAction } from "~/.server/builder-page/intents";
import { requireContestManager } from "~/.server/contest/access";
import { addSection, getContestForEdit, removeSection, updateContestSettings } from "~/.server/contest/contests";
import { creditApproval } from "~/.server/hours/self-credit";
import { unitsUnder } from "~/.server/org/units";
import {
  AudienceSection,
  BuilderHeader,
  DrawForm,
  InputField,
  PaperSection,
  SettingsForm,
  VALIDATE_WHEN,
  drawDescription,
  useBuilderReply,
} from "~/components/builder/builder-parts";
import { CreditApproval } from "~/components/hours/credit-approval";
import { secondaryButtonClass } from "~/components/ui/form";
import { BUILDER_PARSE, SHARED_BUILDER_FORMS, rowIntent } from "~/lib/builder-forms";
import { CONTEST_STATUS_LABELS, ContestSettingsSchema, SectionSchema } from "~/lib/contest-settings";
import { formatHours } from "~/lib/hours";
import { scopePaths } from "~/lib/permissions";
import { toLocalInput } from "~/lib/quiz-settings";
import { pageMeta } from "~/lib/page-meta";

// The contest builder: settings, the paper's sections, who may enter, publishing. /manage/contests/:contestId
// The parts it shares with the quiz builder are in ~/components/builder and ~/.server/builder.

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.contest.title ?? "竞赛"} · 竞赛管理`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, contestId } = await requireContestManager(request, params.contestId);
  const contest = (await getContestForEdit(contestId))!;
  const approval = await creditApproval(contest, user.id);
  const [banks, units] = await Promise.all([banksForBuilder(contest.unit.path), unitsUnder(scopePaths(user.grants, "contests:manage"))]);
  return {
    contest: {
      ...contest,
      opensAt: toLocalInput(contest.opensAt),
      closesAt: toLocalInput(contest.closesAt),
      timeLimitMin: Math.round(contest.timeLimitSec / 60),
      creditHours: contest.creditHours ? formatHours(contest.creditHours) : "",
      frozen: contest._count.entries > 0,
    },
    totalQuestions: contest.sections.reduce((s, x) => s + x.count, 0),
    totalPoints: contest.sections.reduce((s, x) => s + x.count * x.pointsEach, 0) / 100,
    banks: banks.map((b) => ({ id: b.id, title: b.title, count: b._count.questions })),
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    approval,
  };
}

const SettingsSchema = ContestSettingsSchema.safeExtend({ intent: z.literal("settings") });
const SectionAddSchema = SectionSchema.extend({ intent: z.literal("section-add") });
const ActionSchema = z.discriminatedUnion("intent", [SettingsSchema, SectionAddSchema, rowIntent("section-remove"), ...SHARED_BUILDER_FORMS], {
  error: "未知的操作",
});

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, contestId } = await requireContestManager(request, params.contestId);
  return builderAction(request, { kind: "contest", actorId: user.id, id: contestId }, ActionSchema, {
    settings: async (input) => {
      await updateContestSettings(user.id, contestId, input);
      return "设置已保存";
    },
    "section-add": async (input) => {
      await addSection(user.id, contestId, input);
      return "已加入试卷";
    },
    "section-remove": async (input) => {
      await removeSection(user.id, contestId, input.id);
      return "已移出试卷";
    },
  });
}

export default function ContestBuilder() {
  const { contest, totalQuestions, totalPoints, banks, units, approval } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <BuilderHeader
        title={contest.title}
        status={contest.status}
        above={
          <p className="text-sm">
            <Link to="/manage/contests" className="text-party hover:underline">
              ← 竞赛列表
            </Link>
          </p>
        }
        summary={
          <>
            {CONTEST_STATUS_LABELS[contest.status]} · {contest.unit.name} · 每人 {totalQuestions} 题，满分 {totalPoints} 分 · {contest._count.entries} 人参赛
          </>
        }
        links={
          <>
            <Link to={`/manage/contests/${contest.id}/results`} className={secondaryButtonClass}>
              成绩与抽奖
            </Link>
            <Link to={`/contests/${contest.id}/host`} className={secondaryButtonClass}>
              现场赛大屏
            </Link>
          </>
        }
      />
      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="settings-heading">
        <h2 id="settings-heading" className="mb-2 font-bold">
          基本设置
        </h2>
        <ContestSettings />
        {approval ? <CreditApproval approval={approval} what="竞赛" /> : null}
      </section>
      <PaperSection
        heading="试卷（每位参赛者各自随机抽题）"
        frozen={contest.frozen}
        frozenText="已有人参赛，试卷已锁定。"
        testId="sections"
        parts={contest.sections}
        removeIntent="section-remove"
        describe={(s) => (
          <>
            {drawDescription({ ...s, bankTitle: s.bank.title })}
            <span className="text-stone-500">（每题 {s.pointsEach / 100} 分）</span>
          </>
        )}
      >
        <DrawForm intent="section-add" schema={SectionAddSchema} banks={banks} pointsName="points" />
      </PaperSection>
      <AudienceSection heading="参赛范围" audiences={contest.audiences} units={units} />
    </div>
  );
}

function ContestSettings() {
  const { contest } = useLoaderData<typeof loader>();
  const { resultFor } = useBuilderReply();
  const [form, fields] = useForm({
    id: "settings",
    lastResult: resultFor("settings"),
    defaultValue: {
      title: contest.title,
      description: contest.description ?? "",
      opensAt: contest.opensAt,
      closesAt: contest.closesAt,
      timeLimitMin: String(contest.timeLimitMin),
      creditHours: contest.creditHours,
    },
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SettingsSchema, ...BUILDER_PARSE }),
  });
  return (
    <SettingsForm form={form} title={fields.title} description={fields.description}>
      <InputField label="开始时间（北京时间）" field={fields.opensAt} type="datetime-local" />
      <InputField label="截止时间（北京时间）" field={fields.closesAt} type="datetime-local" />
      <InputField label="每人答题时长（分钟）" field={fields.timeLimitMin} type="number" min={1} max={600} />
      <InputField label="参赛计学时（留空为不计）" field={fields.creditHours} type="number" step="0.05" min={0.05} max={100} />
    </SettingsForm>
  );
}
