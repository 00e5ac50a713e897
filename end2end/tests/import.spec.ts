import { readFile, writeFile } from "node:fs/promises";

import { ADMIN, DEMO_PASSWORD, DEMO_UNIT_CODE, expect, hydrated, open, signIn, test, unique } from "./support";

test("an admin imports a user file with bad rows: the preview lists each problem, and committing imports only the good rows", async ({
  page,
}, testInfo) => {
  const sfx = unique();
  const good = [
    { login: `imp${sfx}a`, name: `导入甲${sfx}`, roles: "考生", rank: "科员" },
    { login: `imp${sfx}b`, name: `导入乙${sfx}`, roles: "考生,组织者", rank: "" },
    { login: `imp${sfx}f`, name: `导入戊${sfx}`, roles: "考生", rank: "" },
  ];
  const bad = {
    unknownUnit: `imp${sfx}c`,
    badRole: `imp${sfx}d`,
    noName: `imp${sfx}e`,
  };
  const csv =
    [
      "登录名,姓名,单位代码,角色,职级类别",
      `${good[0].login},${good[0].name},${DEMO_UNIT_CODE},${good[0].roles},${good[0].rank}`, // row 2
      `${good[1].login},${good[1].name},${DEMO_UNIT_CODE},"${good[1].roles}",`, // row 3
      `${bad.unknownUnit},导入丙${sfx},nope-999,考生,`, // row 4: unknown unit code
      `${bad.badRole},导入丁${sfx},${DEMO_UNIT_CODE},校长,`, // row 5: invalid role
      `${bad.noName},,${DEMO_UNIT_CODE},考生,`, // row 6: missing name
      `admin,重复的管理员,${DEMO_UNIT_CODE},考生,`, // row 7: login already taken
      `${good[2].login},${good[2].name},${DEMO_UNIT_CODE},${good[2].roles},`, // row 8
    ].join("\r\n") + "\r\n";
  const file = testInfo.outputPath(`users-${sfx}.csv`);
  await writeFile(file, csv, "utf8");

  await signIn(page, ADMIN, DEMO_PASSWORD);
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "导入用户" }).click();
  await expect(page.getByRole("heading", { name: "批量导入用户" })).toBeVisible();
  await expect(page.getByRole("link", { name: "下载 Excel 模板" })).toBeVisible();
  await expect(page.getByRole("link", { name: "下载 CSV 模板" })).toBeVisible();
  await page.getByLabel("用户文件").setInputFiles(file);
  await page.getByLabel("导入用户的初始密码").fill("Init-pass-2026");
  await page.getByRole("button", { name: "上传并预览" }).click();

  // The upload is a plain form post: a new document, which hydrates again.
  await expect(page.getByRole("heading", { name: "导入预览" })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/import\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.getByText(/^可导入的行数\s*3$/)).toBeVisible();
  await expect(page.getByText(/^有问题的行数\s*4$/)).toBeVisible();

  await expect(page.getByRole("heading", { name: "问题清单" })).toBeVisible();
  const problems = page.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "原因" }) });
  await expect(problems.getByRole("columnheader")).toHaveText(["行号", "列", "原因"]);
  const expected: [number, string, string][] = [
    [4, "单位代码", "单位代码不存在"],
    [5, "角色", "角色无效（可填：考生、组织者、管理员）"],
    [6, "姓名", "必填项为空"],
    [7, "登录名", "登录名已存在"],
  ];
  await expect(problems.getByRole("row")).toHaveCount(1 + expected.length);
  for (const [row, column, reason] of expected) {
    await expect(problems.getByRole("row", { name: `${row} ${column} ${reason}`, exact: true })).toBeVisible();
  }
  // The good rows are listed too, and none of the bad ones.
  for (const u of good) {
    await expect(page.getByRole("row", { name: new RegExp(`^\\d+ ${u.login} ${u.name} `) })).toBeVisible();
  }
  for (const login of Object.values(bad)) {
    await expect(page.getByRole("cell", { name: login, exact: true })).toHaveCount(0);
  }

  await page.getByRole("button", { name: "导入 3 个有效行" }).click();
  await expect.soft(page.getByRole("status").filter({ hasText: "已导入 3 个用户" }), "the import is confirmed").toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "该批次已经导入" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^导入 \d+ 个有效行$/ })).toHaveCount(0);

  // The good rows are users now; the bad rows are not.
  await open(page, "/admin/users");
  await page.getByRole("searchbox", { name: "搜索" }).fill(`imp${sfx}`);
  await page.getByRole("button", { name: "筛选" }).click();
  const table = page.getByRole("table");
  for (const u of good) {
    await expect(table.getByRole("link", { name: u.login, exact: true })).toBeVisible();
  }
  await expect(table.getByRole("row", { name: new RegExp(`^${good[1].login} ${good[1].name} 上城区委办公室 `) })).toContainText("组织者");
  await expect(table.getByRole("row")).toHaveCount(1 + good.length);
  for (const login of Object.values(bad)) {
    await expect(table.getByRole("link", { name: login, exact: true })).toHaveCount(0);
  }
});

test("the import templates download as files, the CSV one with the columns the import reads", async ({ page }) => {
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/admin/import");

  const csvDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载 CSV 模板" }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe("examhall-users.csv");
  const csvText = (await readFile(await csv.path())).toString("utf8").replace(/^\uFEFF/, "");
  expect(csvText.split(/\r?\n/)[0]).toBe("登录名,姓名,单位代码,角色,职级类别");

  const xlsxDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载 Excel 模板" }).click();
  const xlsx = await xlsxDownload;
  expect(xlsx.suggestedFilename()).toBe("examhall-users.xlsx");
  const bytes = await readFile(await xlsx.path());
  expect(bytes.subarray(0, 2).toString("latin1"), "an .xlsx file is a zip archive").toBe("PK");
});

test("uploading a file that is not a spreadsheet shows a translated error and no preview", async ({ page }, testInfo) => {
  const file = testInfo.outputPath("not-a-sheet.xlsx");
  await writeFile(file, "this is not a spreadsheet", "utf8");
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/admin/import");
  await page.getByLabel("用户文件").setInputFiles(file);
  await page.getByLabel("导入用户的初始密码").fill("Init-pass-2026");
  await page.getByRole("button", { name: "上传并预览" }).click();
  await expect(page.getByRole("alert")).toHaveText("无法识别的文件格式，请上传 .xlsx 或 .csv 文件");
  await expect(page.getByRole("heading", { name: "批量导入用户" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "导入预览" })).toHaveCount(0);
});
