// Reports as an administrator uses them: the exam overview of the demo history, the unit
// ranking that names the weakest county, drilling down to a person, and both exports,
// the .xlsx read back cell by cell. Runs with JavaScript and without.

import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { ADMIN, DEMO_PASSWORD, expect, open, signIn, test } from "./support";
import { readXlsx } from "./xlsx";

const DEMO_HISTORY_EXAM = "2026年第三季度应知应会测试";

async function download(page: Page, link: string): Promise<Buffer> {
  const pending = page.waitForEvent("download");
  await page.getByRole("link", { name: link }).first().click();
  const file = await pending;
  return readFile(await file.path());
}

test("an admin reads the exam report and the unit ranking and exports both", async ({ page }) => {
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/organize/exams");
  await page.getByRole("link", { name: DEMO_HISTORY_EXAM }).click();
  await page.getByRole("link", { name: "考试报告" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`考试报告: ${DEMO_HISTORY_EXAM}`);
  await expect(
    page.getByRole("term").filter({ hasText: /^首考通过率$/ }).locator("xpath=following-sibling::dd[1]"),
  ).toHaveText("75%（9/12）");
  await expect(page.getByRole("img", { name: "成绩分布（人数/分数段）" })).toBeVisible();

  const book = readXlsx(await download(page, "导出 Excel"));
  expect(book.sheets).toEqual(["概况", "分数分布", "人员"]);
  const people = book.rows("人员");
  expect(people[0].slice(0, 3)).toEqual(["账号", "姓名", "单位"]);
  expect(people).toHaveLength(13);
  const liqiang = people.find((r) => r[0] === "liqiang");
  expect(liqiang?.[1]).toBe("李强");
  expect(liqiang?.[7], "李强 did not pass the first sitting").toBe("否");
  const overview = book.rows("概况");
  expect(overview.find((r) => r[0] === "应考人数")?.[1]).toBe("12");

  await page.getByRole("link", { name: "按单位查看" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("单位统计与排名");
  const weakest = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "桐庐县", exact: true }) });
  await expect(weakest).toContainText("末位");
  await expect(weakest).toContainText("通过率 67%（2/3），缺考 1 人");

  const csv = await download(page, "导出 CSV");
  expect([...csv.subarray(0, 3)], "a BOM so Excel reads UTF-8").toEqual([0xef, 0xbb, 0xbf]);
  const lines = csv.subarray(3).toString("utf8").split("\r\n");
  expect(lines[0].startsWith("名次,单位代码,单位")).toBe(true);
  expect(lines.some((l) => l.includes("桐庐县") && l.includes("是"))).toBe(true);

  // Down to a department, then to a person's history.
  await page.getByRole("link", { name: "上城区", exact: true }).click();
  await page.getByRole("link", { name: "上城区财政局", exact: true }).click();
  await page.getByRole("link", { name: "李强" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("个人档案: 李强");
  await expect(page.getByRole("link", { name: DEMO_HISTORY_EXAM }).first()).toBeVisible();
});

test("a bad date in the ranking filter is refused with a message", async ({ page }) => {
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/reports/units?from=2026-02-30");
  await expect(page.getByRole("alert")).toHaveText("日期格式应为 年-月-日，例如 2026-11-29。");
});
