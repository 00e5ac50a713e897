// A candidate taking a timed exam: from the landing page through the pledge, answering
// with the answer card, flags and the save acknowledgements, to the submit summary and
// the result; answers made offline; a reload in the middle; and the server submitting
// an attempt at its deadline while no browser is open.
//
// An attempt is one per candidate per sitting, and both projects share one server, so
// every test starts its attempt with a demo candidate nobody else uses (zhangwei is the
// CANDIDATE of the other specs and never starts an attempt here):
//
//   hydrated: wangfang (the whole exam), liuyang (reload), yangfan (offline)
//   no-js:    liqiang (the whole exam), chenjing (reload)
//
// The deadline test makes its own exam, sitting and candidate.

import type { APIRequestContext, Locator, Page } from "@playwright/test";
import {
  DEMO_PASSWORD,
  DEMO_UNIT_CODE,
  createCandidateViaApi,
  escapeRegExp,
  expect,
  hydrated,
  jsEnabled,
  open,
  signIn,
  test,
  unique,
} from "./support";

const EXAM = "2026年度干部党内法规知识测试";
const PRACTICE = "模拟练习场次";
const DEMO_BANK = "干部应知应会题库（示例）";
/** The status line of a question the server has acknowledged: "已保存 ✓ 21:53:07". */
const SAVED = /^已保存 ✓ \d{2}:\d{2}:\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

// The demo paper (seed_authoring.rs) keeps its sections in order and shuffles only inside
// them: questions 1–12 are single choice (2 points), 13–18 multiple choice (4), 19–30
// true/false (2) and 31–36 fill in the blank (2); 84 points in all. Its keys follow the
// generated text: the right single choice ends "重要遵循", the right multiple choices
// are the three below, a true/false statement numbered （第n题） is false when
// (n - 1) % 12 == 4, and every blank is 民主集中制.
const SINGLE_RIGHT = "重要遵循";
const MULTIPLE_RIGHT = ["学深悟透，把握核心要义", "联系实际，推动工作落实", "以上率下，带头示范"];
const MULTIPLE_WRONG = "只学文件，不抓落实";
const BLANK_RIGHT = "民主集中制";

function login(hydratedLogin: string, noJsLogin: string): string {
  return jsEnabled() ? hydratedLogin : noJsLogin;
}

/** The value next to a term of a facts list (`<dt>term</dt><dd>value</dd>`). */
function fact(scope: Page | Locator, term: string): Locator {
  return scope
    .getByRole("term")
    .filter({ hasText: new RegExp(`^${escapeRegExp(term)}$`) })
    .locator("xpath=following-sibling::dd[1]");
}

/** The answer card's button of question `n` (its name says answered / flagged). */
function cardButton(page: Page, n: number): Locator {
  return page
    .getByRole("navigation", { name: "答题卡" })
    .getByRole("button", { name: new RegExp(`^第 ${n} 题，`) });
}

function questionHeading(page: Page, n: number, kind?: string, points?: number): Locator {
  const name = kind === undefined ? new RegExp(`^第 ${n} 题 `) : `第 ${n} 题 （${kind}，${points} 分）`;
  return page.getByRole("heading", { level: 2, name });
}

/** The save status line under the question (not the notice a plain form post adds). */
function saveStatus(page: Page): Locator {
  return page.getByRole("status").filter({ hasText: /^(已保存 ✓ \d{2}:\d{2}:\d{2}|正在保存…|尚未保存)$/ });
}

/** Moves to question `n` through the answer card. */
async function goTo(page: Page, n: number): Promise<void> {
  await cardButton(page, n).click();
  await expect(questionHeading(page, n)).toBeVisible();
  await expect(cardButton(page, n)).toHaveAttribute("aria-current", "step");
}

/** Chooses an option (or true/false) by clicking its label; checks the control took it. */
async function choose(page: Page, label: string | RegExp): Promise<void> {
  await page.locator("label").filter({ hasText: label }).click();
  await expect(page.getByLabel(label)).toBeChecked();
}

/**
 * Waits for the acknowledgement of the current question. With JavaScript every change is
 * saved by itself; without, the candidate presses 保存答案 (a form post and a reload).
 */
async function expectSaved(page: Page): Promise<void> {
  if (!jsEnabled()) {
    await page.getByRole("button", { name: "保存答案", exact: true }).click();
  }
  await expect(saveStatus(page)).toHaveText(SAVED);
}

/** The number n of a generated statement "（第n题）…" and whether it is true. */
async function trueFalseKey(page: Page): Promise<boolean> {
  const stem = await page.getByText(/^（第\d+题）领导干部应当把/).textContent();
  const n = Number(stem!.match(/^（第(\d+)题）/)![1]);
  return (n - 1) % 12 !== 4;
}

/** Remaining seconds shown by the hydrated countdown ("剩余时间: 59:48" or "01:05:09"). */
async function remainingSeconds(page: Page): Promise<number> {
  const timer = page.getByRole("timer");
  await expect(timer).toHaveText(/^剩余时间: (\d{2}:)?\d{2}:\d{2}$/);
  const parts = (await timer.textContent())!.replace(/^剩余时间: /, "").split(":").map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/** Waits until the start button can be used: with JavaScript the page turns it on at
 * the opening time by itself; without, the candidate reloads. */
async function waitUntilOpen(page: Page): Promise<Locator> {
  const start = page.getByRole("button", { name: "开始答题" });
  await expect(start).toBeVisible();
  if (await start.isDisabled()) {
    await expect(page.getByRole("status").filter({ hasText: /^考试尚未开始/ })).toBeVisible();
  }
  if (jsEnabled()) {
    await expect(start).toBeEnabled({ timeout: 60_000 });
  } else {
    await expect(async () => {
      if (await start.isDisabled()) {
        await page.reload();
      }
      await expect(start).toBeEnabled({ timeout: 500 });
    }).toPass({ timeout: 60_000, intervals: [1_000, 2_000] });
  }
  return start;
}

/** Reads an API JSON answer after checking the status. */
async function ok<T>(what: string, res: Awaited<ReturnType<APIRequestContext["post"]>>): Promise<T> {
  expect(res.ok(), `${what}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

interface Clock {
  status: "Open" | "Submitted";
  deadline: number;
  server_now: number;
}

interface SavedAnswer {
  position: number;
  response: { Choice: number[] } | { TrueFalse: boolean } | { Blanks: string[] } | null;
  flagged: boolean;
  seq: number;
  saved_at: number;
}

async function attemptClock(api: APIRequestContext, attemptId: string): Promise<Clock> {
  return ok<Clock>("attempt clock", await api.post("/api/attempts/clock", { form: { attempt_id: attemptId } }));
}

/** The answers the server holds for an attempt, by position (0-based). */
async function serverAnswers(api: APIRequestContext, attemptId: string): Promise<Map<number, SavedAnswer>> {
  const view = await ok<{ answers: SavedAnswer[] }>(
    "attempt view",
    await api.post("/api/attempts/view", { form: { attempt_id: attemptId } }),
  );
  return new Map(view.answers.map((a) => [a.position, a]));
}

/**
 * Signs in and starts the candidate's attempt at the practice sitting through the server
 * function (with the browser's session, so the browser holds the attempt); waits for the
 * sitting to open if need be. Returns the attempt ID.
 */
async function startPractice(page: Page, candidate: string): Promise<string> {
  await signIn(page, candidate, DEMO_PASSWORD);
  const mine = await ok<{ sitting_id: string; name: string }[]>("my sittings", await page.request.post("/api/my/sittings"));
  const sitting = mine.find((s) => s.name === PRACTICE);
  expect(sitting, `${candidate} is assigned to ${PRACTICE}`).toBeTruthy();
  let attemptId = "";
  await expect(async () => {
    attemptId = await ok<string>(
      "start",
      await page.request.post("/api/attempts/start", { form: { sitting_id: sitting!.sitting_id, pledge: "on" } }),
    );
  }).toPass({ timeout: 60_000, intervals: [1_000, 2_000] });
  return attemptId;
}

/** Wall-clock time in Asia/Shanghai: "2026-11-28T21:53:07". */
function shanghai(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
}

test("a candidate takes the practice exam from the landing page to the result", async ({ page }) => {
  // Up to a minute of it may be waiting for the practice sitting to open.
  test.setTimeout(180_000);
  await signIn(page, login("wangfang", "liqiang"), DEMO_PASSWORD);

  const card = page
    .getByRole("region", { name: "我的考试安排" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: EXAM }) })
    .filter({ hasText: PRACTICE });
  await card.getByRole("link", { name: "进入考试" }).click();
  await expect(page).toHaveURL(/\/exam\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: EXAM })).toBeVisible();
  await expect(page.getByRole("heading", { name: "考前须知" })).toBeVisible();
  await expect(fact(page, "场次名称")).toHaveText(PRACTICE);
  await expect(fact(page, "考试时长（分钟）")).toHaveText("60");
  await expect(fact(page, "题目数量")).toHaveText("36");
  await expect(fact(page, "试卷总分")).toHaveText("84");

  const start = await waitUntilOpen(page);
  await page.getByLabel(/^本人承诺：闭卷作答，/).check();
  await start.click();

  await expect(page).toHaveURL(/\/attempt\/[0-9a-f-]{36}(\?.*)?$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: EXAM })).toBeVisible();
  await expect(page.getByRole("timer")).toHaveText(
    jsEnabled() ? /^剩余时间: (60:00|59:[0-5]\d)$/ : /^交卷截止时间: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
  );
  await expect(questionHeading(page, 1, "单选题", 2)).toBeVisible();
  await expect(saveStatus(page)).toHaveText("尚未保存");
  await expect(cardButton(page, 1)).toHaveAccessibleName("第 1 题，未答");

  // 1: single choice, the right option.
  await choose(page, SINGLE_RIGHT);
  await expectSaved(page);
  await expect(cardButton(page, 1)).toHaveAccessibleName("第 1 题，已答");

  // 2: flagged for later, left unanswered.
  await page.getByRole("button", { name: "下一题" }).click();
  await expect(questionHeading(page, 2, "单选题", 2)).toBeVisible();
  await page.locator("label").filter({ hasText: /^标记本题$/ }).click();
  await expect(page.getByLabel("标记本题")).toBeChecked();
  await expectSaved(page);
  await expect(cardButton(page, 2)).toHaveAccessibleName("第 2 题，未答，已标记");

  // 13: multiple choice through the answer card, the three right options.
  await goTo(page, 13);
  await expect(questionHeading(page, 13, "多选题", 4)).toBeVisible();
  for (const option of MULTIPLE_RIGHT) {
    await choose(page, option);
  }
  await expectSaved(page);
  // Back and forth: the choices stay.
  await page.getByRole("button", { name: "上一题" }).click();
  await expect(questionHeading(page, 12, "单选题", 2)).toBeVisible();
  await page.getByRole("button", { name: "下一题" }).click();
  await expect(questionHeading(page, 13, "多选题", 4)).toBeVisible();
  for (const option of MULTIPLE_RIGHT) {
    await expect(page.getByLabel(option)).toBeChecked();
  }
  await expect(page.getByLabel(MULTIPLE_WRONG)).not.toBeChecked();
  await expect(saveStatus(page)).toHaveText(SAVED);

  // 19: true/false, answered right.
  await goTo(page, 19);
  await expect(questionHeading(page, 19, "判断题", 2)).toBeVisible();
  await choose(page, (await trueFalseKey(page)) ? /^正确$/ : /^错误$/);
  await expectSaved(page);

  // 31: fill in the blank.
  await goTo(page, 31);
  await expect(questionHeading(page, 31, "填空题", 2)).toBeVisible();
  await page.getByLabel("第 1 空").fill(BLANK_RIGHT);
  await expectSaved(page);
  await expect(page.getByLabel("第 1 空")).toHaveValue(BLANK_RIGHT);

  for (const [n, name] of [
    [1, "第 1 题，已答"],
    [2, "第 2 题，未答，已标记"],
    [3, "第 3 题，未答"],
    [13, "第 13 题，已答"],
    [19, "第 19 题，已答"],
    [31, "第 31 题，已答"],
  ] as const) {
    await expect(cardButton(page, n)).toHaveAccessibleName(name);
  }

  // The summary before submitting: 36 − 4 unanswered, one flagged.
  await page.getByRole("button", { name: "交卷", exact: true }).click();
  const summary = jsEnabled() ? page.getByRole("dialog", { name: "确认交卷" }) : page.getByRole("main");
  if (!jsEnabled()) {
    await expect(page).toHaveURL(/\/attempt\/[0-9a-f-]{36}\/submit$/);
    await expect(page.getByRole("heading", { level: 1, name: "确认交卷" })).toBeVisible();
  }
  await expect(fact(summary, "未答题数")).toHaveText("32");
  await expect(fact(summary, "标记题数")).toHaveText("1");
  await summary.getByRole("button", { name: "确认交卷" }).click();

  await expect(page).toHaveURL(/\/attempt\/[0-9a-f-]{36}\/done$/);
  await expect(page.getByRole("heading", { level: 1, name: "已交卷" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "您的答卷已提交。" })).toBeVisible();
  await expect(fact(page, "场次名称")).toHaveText(PRACTICE);
  await expect(fact(page, "交卷时间")).toHaveText(DATETIME);
  // 2 + 4 + 2 + 2 of 84 points; the pass mark is 60 %.
  await expect(fact(page, "结果")).toHaveText("得分 10 / 84，不合格");

  await open(page, "/");
  const past = page.getByRole("region", { name: "已完成的考试" });
  await expect(past.getByRole("listitem").filter({ hasText: `${EXAM} · ${PRACTICE}` })).toContainText(
    "得分 10 / 84，不合格",
  );
  await expect(page.getByRole("region", { name: "进行中的考试" })).toHaveCount(0);
});

test("answers made offline are kept and sent when the connection returns", async ({ page, context }) => {
  test.skip(!jsEnabled(), "without JavaScript every answer is a form post, which needs the connection");
  test.setTimeout(150_000);
  const attemptId = await startPractice(page, "yangfan");
  await open(page, `/attempt/${attemptId}`);
  await expect(questionHeading(page, 1, "单选题", 2)).toBeVisible();
  const banner = page.getByRole("alert").filter({ hasText: /^网络连接中断：/ });

  await context.setOffline(true);
  await choose(page, /^B\. /);
  await expect(banner).toBeVisible();
  await expect(saveStatus(page)).toHaveText("正在保存…");
  await goTo(page, 2);
  await choose(page, /^C\. /);
  await expect(saveStatus(page)).toHaveText("正在保存…");
  await goTo(page, 20);
  await choose(page, /^错误$/);
  await expect(saveStatus(page)).toHaveText("正在保存…");
  await expect(banner).toBeVisible();
  // Nothing has reached the server (asked from the test, which offline mode leaves alone).
  expect((await serverAnswers(context.request, attemptId)).size).toBe(0);

  // Back online: the queue is sent in order and the banner goes.
  await context.setOffline(false);
  await expect(banner).toHaveCount(0, { timeout: 20_000 });
  await expect(saveStatus(page)).toHaveText(SAVED, { timeout: 20_000 });
  for (const [n, label] of [
    [1, /^B\. /],
    [2, /^C\. /],
    [20, /^错误$/],
  ] as const) {
    await goTo(page, n);
    await expect(page.getByLabel(label)).toBeChecked();
    await expect(saveStatus(page)).toHaveText(SAVED);
    await expect(cardButton(page, n)).toHaveAccessibleName(`第 ${n} 题，已答`);
  }

  // Offline again, one more answer, and the tab is closed before it could be sent: the
  // answer waits in the browser and goes when the exam is opened again.
  await context.setOffline(true);
  await goTo(page, 4);
  await choose(page, /^D\. /);
  await expect(saveStatus(page)).toHaveText("正在保存…");
  await expect(banner).toBeVisible();
  await page.close();
  await context.setOffline(false);
  expect((await serverAnswers(context.request, attemptId)).has(3)).toBe(false);
  // A new tab has no hydration probe: the countdown replacing the deadline says the exam
  // page has hydrated.
  const tab = await context.newPage();
  const ready = () => expect(tab.getByRole("timer")).toHaveText(/^剩余时间: /);
  await tab.goto(`/attempt/${attemptId}?q=3`);
  await ready();
  await expect(questionHeading(tab, 4, "单选题", 2)).toBeVisible();
  await expect(tab.getByLabel(/^D\. /)).toBeChecked();
  await expect(saveStatus(tab)).toHaveText(SAVED, { timeout: 20_000 });

  // A reload in the middle of the exam: everything is there, from the server this time.
  await goTo(tab, 2);
  await tab.reload();
  await ready();
  await expect(questionHeading(tab, 2, "单选题", 2)).toBeVisible();
  await expect(tab.getByLabel(/^C\. /)).toBeChecked();
  await expect(saveStatus(tab)).toHaveText(SAVED);
  for (const n of [1, 2, 4, 20]) {
    await expect(cardButton(tab, n)).toHaveAccessibleName(`第 ${n} 题，已答`);
  }
  await expect(cardButton(tab, 3)).toHaveAccessibleName("第 3 题，未答");
  await goTo(tab, 1);
  await expect(tab.getByLabel(/^B\. /)).toBeChecked();
  await goTo(tab, 20);
  await expect(tab.getByLabel(/^错误$/)).toBeChecked();

  const held = await serverAnswers(context.request, attemptId);
  expect(held.get(0)?.response).toEqual({ Choice: [1] });
  expect(held.get(1)?.response).toEqual({ Choice: [2] });
  expect(held.get(3)?.response).toEqual({ Choice: [3] });
  expect(held.get(19)?.response).toEqual({ TrueFalse: false });
  // The offline answers were stored in the order they were given.
  expect(held.get(0)!.saved_at).toBeLessThanOrEqual(held.get(1)!.saved_at);
  expect(held.get(1)!.saved_at).toBeLessThanOrEqual(held.get(19)!.saved_at);
});

test("a reload in the middle restores every acknowledged answer and the remaining time", async ({ page }) => {
  test.setTimeout(150_000);
  const attemptId = await startPractice(page, login("liuyang", "chenjing"));
  await open(page, `/attempt/${attemptId}`);
  await expect(questionHeading(page, 1, "单选题", 2)).toBeVisible();

  await choose(page, /^A\. /);
  await expectSaved(page);
  await goTo(page, 14);
  await expect(questionHeading(page, 14, "多选题", 4)).toBeVisible();
  await choose(page, /^B\. /);
  await choose(page, /^D\. /);
  await expectSaved(page);
  await goTo(page, 33);
  await expect(questionHeading(page, 33, "填空题", 2)).toBeVisible();
  await page.getByLabel("第 1 空").fill("党的章程");
  await expectSaved(page);
  await goTo(page, 22);
  await expect(questionHeading(page, 22, "判断题", 2)).toBeVisible();
  await page.locator("label").filter({ hasText: /^标记本题$/ }).click();
  await choose(page, /^正确$/);
  await expectSaved(page);

  const timer = page.getByRole("timer");
  const deadlineText = jsEnabled() ? "" : ((await timer.textContent()) ?? "");
  const before = jsEnabled() ? await remainingSeconds(page) : 0;
  const reloadedAt = Date.now();
  await page.reload();
  await hydrated(page);

  // The same question, as it was.
  await expect(questionHeading(page, 22, "判断题", 2)).toBeVisible();
  await expect(page.getByLabel(/^正确$/)).toBeChecked();
  await expect(page.getByLabel("标记本题")).toBeChecked();
  await expect(saveStatus(page)).toHaveText(SAVED);
  if (jsEnabled()) {
    // The countdown goes on from the server's deadline: what it showed, less the time
    // the reload took, give or take the second it rounds to and the hydration.
    const after = await remainingSeconds(page);
    const elapsed = (Date.now() - reloadedAt) / 1000;
    expect(after).toBeLessThanOrEqual(before);
    expect(Math.abs(before - elapsed - after)).toBeLessThanOrEqual(4);
  } else {
    await expect(timer).toHaveText(deadlineText);
  }
  for (const [n, name] of [
    [1, "第 1 题，已答"],
    [2, "第 2 题，未答"],
    [14, "第 14 题，已答"],
    [22, "第 22 题，已答，已标记"],
    [33, "第 33 题，已答"],
  ] as const) {
    await expect(cardButton(page, n)).toHaveAccessibleName(name);
  }
  await goTo(page, 1);
  await expect(page.getByLabel(/^A\. /)).toBeChecked();
  await goTo(page, 14);
  await expect(page.getByLabel(/^B\. /)).toBeChecked();
  await expect(page.getByLabel(/^D\. /)).toBeChecked();
  await expect(page.getByLabel(/^A\. /)).not.toBeChecked();
  await expect(page.getByLabel(/^C\. /)).not.toBeChecked();
  await goTo(page, 33);
  await expect(page.getByLabel("第 1 空")).toHaveValue("党的章程");

  // The landing page offers to go on with the running exam.
  await open(page, "/");
  const running = page.getByRole("region", { name: "进行中的考试" });
  await expect(running.getByRole("listitem").filter({ hasText: EXAM })).toContainText(PRACTICE);
  await running.getByRole("link", { name: "继续答题" }).click();
  await expect(page).toHaveURL(new RegExp(`/attempt/${attemptId}$`));
  await hydrated(page);
  await expect(questionHeading(page, 33, "填空题", 2)).toBeVisible();
  await expect(page.getByLabel("第 1 空")).toHaveValue("党的章程");
});

test("the deadline passing with the browser closed submits the attempt", async ({ page, request, browser, playwright }) => {
  // One project is enough for what the server does on its own, and it takes real time:
  // about 15 s until the sitting opens, then the one-minute exam.
  test.skip(!jsEnabled(), "the server's deadline does not depend on the browser; run once");
  test.setTimeout(240_000);
  const tag = unique();
  const candidate = { login: `dl${tag}`, name: `限时${tag}`, unitCode: DEMO_UNIT_CODE, password: "Init-pass-2026" };
  const password = `Mine-${tag}-2026!`;
  const title = `限时测验 ${tag}`;

  // As the admin (createCandidateViaApi signs `request` in): a fresh candidate, a
  // one-minute exam of two single-choice questions from the demo bank, a sitting that
  // opens in a few seconds, and the candidate assigned to it.
  await createCandidateViaApi(request, candidate);
  const banks = await ok<{ id: string; name: string }[]>("banks", await request.post("/api/banks/list"));
  const bank = banks.find((b) => b.name === DEMO_BANK);
  expect(bank, `the demo bank ${DEMO_BANK}`).toBeTruthy();
  await ok("exam", await request.post("/api/exams/create", { form: { bank_id: bank!.id, title } }));
  const exams = await ok<{ id: string; title: string }[]>("exams", await request.post("/api/exams/list"));
  const examId = exams.find((e) => e.title === title)!.id;
  await ok(
    "settings",
    await request.post("/api/exams/settings", {
      form: {
        id: examId,
        title,
        instructions: "",
        duration_minutes: "1",
        pass_kind: "percent",
        pass_value: "50",
        multi_scoring: "all_or_nothing",
        visibility: "immediately",
        retake_count: "0",
        retake_min_wait_days: "0",
      },
    }),
  );
  await ok("section", await request.post("/api/exams/section-add", { form: { id: examId, title: "单项选择题" } }));
  await ok(
    "rule",
    await request.post("/api/exams/rule-add", {
      form: { id: examId, section: "0", category: "", qtype: "single", difficulty: "", count: "2", points_each: "2" },
    }),
  );
  const now = await ok<number>("server time", await request.post("/api/time/now"));
  // Whole seconds, in Shanghai wall time (the form's format, with seconds).
  const opensAt = Math.ceil((now + 15_000) / 1000) * 1000;
  await ok(
    "sitting",
    await request.post("/api/sittings/create", {
      form: {
        exam_id: examId,
        name: `自动交卷 ${tag}`,
        window_start: shanghai(opensAt),
        window_end: shanghai(opensAt + 10 * 60_000),
        mode: "flexible",
        late_entry_minutes: "",
        capacity: "10",
        location: "线上",
      },
    }),
  );
  const sittings = await ok<{ id: string }[]>("sittings", await request.post("/api/sittings/of-exam", { form: { exam_id: examId } }));
  expect(sittings).toHaveLength(1);
  const sittingId = sittings[0].id;
  const assigned = await ok<{ will_assign: number }>(
    "assign",
    await request.post("/api/sittings/assign", {
      form: { id: sittingId, by: "logins", logins: candidate.login, unit_id: "", rank_tag: "" },
    }),
  );
  expect(assigned.will_assign).toBe(1);

  // The candidate's first sign-in asks for a new password (covered by
  // first-sign-in.spec.ts); done here through the server functions.
  const own = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  await ok("candidate sign-in", await own.post("/api/login", { form: { login: candidate.login, password: candidate.password } }));
  await ok(
    "password change",
    await own.post("/api/password", {
      form: { current_password: candidate.password, new_password: password, confirm: password },
    }),
  );
  await own.dispose();

  // In the browser: start when the sitting opens, answer the first question right.
  await signIn(page, candidate.login, password);
  await open(page, `/exam/${sittingId}`);
  await expect(fact(page, "考试时长（分钟）")).toHaveText("1");
  const start = await waitUntilOpen(page);
  await page.getByLabel(/^本人承诺：闭卷作答，/).check();
  await start.click();
  await expect(page).toHaveURL(/\/attempt\/[0-9a-f-]{36}(\?.*)?$/);
  const attemptId = page.url().match(/\/attempt\/([0-9a-f-]{36})/)![1];
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole("timer")).toHaveText(/^剩余时间: 0[01]:\d{2}$/);
  await expect(questionHeading(page, 1, "单选题", 2)).toBeVisible();
  await choose(page, SINGLE_RIGHT);
  await expectSaved(page);
  const clock = await attemptClock(page.request, attemptId);
  expect(clock.status).toBe("Open");
  // Well before the deadline: the exam is running when the browser goes.
  expect(clock.deadline - clock.server_now).toBeGreaterThan(30_000);
  expect(clock.deadline - clock.server_now).toBeLessThanOrEqual(60_000);

  // The browser goes away with the exam still running.
  await page.context().close();

  // Another browser, another session: the server submits the attempt at its deadline by
  // itself (serve.sh sets no grace; the finaliser waits 1 s more and ticks every 0.5 s).
  // The poll lets the real minute pass.
  const later = await browser.newContext();
  await ok("sign-in again", await later.request.post("/api/login", { form: { login: candidate.login, password } }));
  expect((await attemptClock(later.request, attemptId)).status).toBe("Open");
  await expect
    .poll(async () => (await attemptClock(later.request, attemptId)).status, {
      timeout: clock.deadline - clock.server_now + 15_000,
      intervals: [1_000],
    })
    .toBe("Submitted");

  const again = await later.newPage();
  await again.goto(`/attempt/${attemptId}`);
  await expect(again.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(again.getByText("您的答卷已提交。")).toBeVisible();
  await expect(again.getByRole("button", { name: "交卷", exact: true })).toHaveCount(0);
  await again.getByRole("link", { name: "已交卷" }).click();
  await expect(again).toHaveURL(new RegExp(`/attempt/${attemptId}/done$`));
  await expect(again.getByRole("heading", { level: 1, name: "已交卷" })).toBeVisible();
  // Submitted at the deadline itself, with the answer saved before the browser closed.
  await expect(fact(again, "交卷时间")).toHaveText(shanghai(clock.deadline).replace("T", " "));
  await expect(fact(again, "结果")).toHaveText("得分 2 / 4，合格");
  await later.close();
});
