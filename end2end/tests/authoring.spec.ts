// What an organizer does before an exam: import questions from a spreadsheet (fixing the
// rows the preview rejects), build a paper from draw rules, and schedule a sitting for
// two units, seeing the head count before confirming.

import { test, expect, open, signIn, selectUnit, unique, jsEnabled, ADMIN, DEMO_PASSWORD } from "./support";

const HEADER = "题型,题干,选项A,选项B,选项C,答案,分类,难度,分值\n";

function sheet(rows: string[]): { name: string; mimeType: string; buffer: Buffer } {
  return { name: "题目.csv", mimeType: "text/csv", buffer: Buffer.from(HEADER + rows.join("\n") + "\n", "utf8") };
}

test("an organizer imports a spreadsheet, sees the bad row, fixes it and imports everything", async ({ page }) => {
  const tag = unique();
  await signIn(page, "organizer", DEMO_PASSWORD);
  await open(page, "/organize/banks");
  await page.getByLabel("题库名称").fill(`导入测试题库 ${tag}`);
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(tag) })).toBeVisible();

  await page.getByRole("link", { name: "导入题目" }).click();
  const good = `单选,${tag} 党的最高领导机关是？,全国代表大会,中央委员会,政治局,A,党章党规,2,2`;
  const bad = `单选,${tag} 党的根本组织原则是？,民主集中制,集体领导,个人分工负责,E,党章党规,2,2`;
  await page.getByLabel("题目文件").setInputFiles(sheet([good, bad]));
  await page.getByRole("button", { name: "上传并预览" }).click();
  const invalidRow = page.getByRole("row", { name: /第 3 行/ });
  await expect(invalidRow).toBeVisible();
  await expect(invalidRow).toContainText("有错误");

  // Fix the answer and upload again: now both rows are good.
  await page.goBack();
  await expect(page.getByLabel("题目文件")).toBeVisible();
  const fixed = bad.replace(",E,", ",A,");
  await page.getByLabel("题目文件").setInputFiles(sheet([good, fixed]));
  await page.getByRole("button", { name: "上传并预览" }).click();
  await expect(page.getByRole("button", { name: "确认导入" })).toBeVisible();
  await expect(page.getByRole("row", { name: /有错误/ })).toHaveCount(0);
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByText(/导入完成：新增 2 道/)).toBeVisible();

  await page.getByRole("link", { name: "返回题库" }).first().click();
  await page.getByRole("searchbox").first().fill(`${tag} 党的根本`);
  await page.getByRole("searchbox").first().press("Enter");
  await expect(page.getByRole("link", { name: new RegExp(`${tag} 党的根本组织原则`) })).toBeVisible();
});

test("an admin builds a paper from draw rules and is told exactly what the bank lacks", async ({ page }) => {
  const title = `规则组卷 ${unique()}`;
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/organize/exams");
  await page.getByLabel("考试名称").fill(title);
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page.getByLabel("考试名称")).toHaveValue(title);

  await page.getByLabel("新部分的名称").fill("一、单项选择题");
  await page.getByRole("button", { name: "添加部分" }).click();
  const section = page.locator("section.paper-section").filter({ hasText: "一、单项选择题" });
  await expect(section).toBeVisible();

  const rule = section.locator("fieldset, form").filter({ has: page.getByRole("button", { name: "添加规则" }) }).last();
  await rule.getByLabel("分类").selectOption({ label: "党章党规" });
  await rule.getByLabel("题型").selectOption({ label: "单选题" });
  await rule.getByLabel("抽取数量").fill("500");
  await rule.getByLabel("每题分值").fill("2");
  await rule.getByRole("button", { name: "添加规则" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /党章党规 \/ 单选题 \/ 任意难度：需要 500 题，题库只有 \d+ 题/ })).toBeVisible();

  const again = page.locator("section.paper-section").filter({ hasText: "一、单项选择题" })
    .locator("fieldset, form").filter({ has: page.getByRole("button", { name: "添加规则" }) }).last();
  // Nothing typed is lost, with or without JavaScript.
  await expect(again.getByLabel("抽取数量")).toHaveValue("500");
  await expect(again.getByLabel("分类")).toHaveValue(await again.getByLabel("分类").locator("option", { hasText: "党章党规" }).getAttribute("value") ?? "");
  await again.getByLabel("分类").selectOption({ label: "党章党规" });
  await again.getByLabel("题型").selectOption({ label: "单选题" });
  await again.getByLabel("抽取数量").fill("5");
  await again.getByLabel("每题分值").fill("2");
  await again.getByRole("button", { name: "添加规则" }).click();
  await expect(page.getByText("共 5 题，总分 10 分。")).toBeVisible();
});

test("an admin schedules a sitting, assigns two units and sees the count before confirming", async ({ page }) => {
  const name = `第${unique()}场`;
  // Both projects run against one server: their sittings must not overlap, or the second
  // would (rightly) find the candidates already busy.
  const day = jsEnabled() ? "2027-03-01" : "2027-03-02";
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/organize/exams");
  await page.getByRole("link", { name: "2026年度干部党内法规知识测试" }).first().click();
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "新建场次" }) });
  await form.getByLabel("场次名称", { exact: true }).fill(name);
  await form.getByLabel("开始时间", { exact: true }).fill(`${day}T09:00`);
  await form.getByLabel("结束时间", { exact: true }).fill(`${day}T12:00`);
  await form.getByLabel("座位数", { exact: true }).fill("100");
  await form.getByRole("button", { name: "新建场次" }).click();
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(name) })).toBeVisible();

  // Other specs add candidates to the demo units, so the counts are read, not assumed:
  // each unit has at least its four demo candidates.
  let total = 0;
  for (const code of ["330102", "330105"]) {
    await page.getByLabel("按单位", { exact: true }).check();
    await selectUnit(page, "单位", code);
    await page.getByLabel("包含下级单位", { exact: true }).check();
    await page.getByRole("button", { name: "预览人数" }).click();
    const count = page.getByText(/^将安排 \d+ 人。$/);
    await expect(count).toBeVisible();
    const n = Number((await count.textContent())!.match(/\d+/)![0]);
    expect(n).toBeGreaterThanOrEqual(4);
    total += n;
    await page.getByRole("button", { name: `确认安排 ${n} 人` }).click();
    await expect(page.getByRole("heading", { name: `已安排的考生（${total} / 100）` })).toBeVisible();
  }
  await page.reload();
  await expect(page.getByRole("heading", { name: `已安排的考生（${total} / 100）` })).toBeVisible();
});
