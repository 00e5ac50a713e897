import { CANDIDATE, DEMO_PASSWORD, expect, open, signIn, test } from "./support";

test("a candidate sees no admin navigation and is refused the admin pages", async ({ page }) => {
  await signIn(page, CANDIDATE, DEMO_PASSWORD);
  await expect(page.getByRole("heading", { name: "我的考试安排" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "管理工作台" })).toHaveCount(0);
  const nav = page.getByRole("navigation", { name: "主导航" });
  await expect(nav.getByRole("link", { name: "首页" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "我的账户" })).toBeVisible();
  for (const link of ["用户", "单位", "导入用户", "审计日志"]) {
    await expect(nav.getByRole("link", { name: link, exact: true })).toHaveCount(0);
  }

  await open(page, "/admin/users");
  await expect(page.getByRole("alert").filter({ hasText: "您没有权限执行此操作" })).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "新建用户" })).toHaveCount(0);

  for (const path of ["/admin/units", "/admin/audit"]) {
    await open(page, path);
    await expect(page.getByRole("alert").filter({ hasText: "您没有权限执行此操作" })).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
  }
});

test("a candidate calling an admin server function directly is refused with Forbidden", async ({ page, request }) => {
  await signIn(page, CANDIDATE, DEMO_PASSWORD);
  // The request carries the browser's session cookie, like a script on the page would.
  const res = await page.request.post("/api/users/list", {
    form: { "query[q]": "", "query[status]": "All", "query[page]": "1" },
  });
  expect(res.ok(), `status ${res.status()}`).toBe(false);
  expect(await res.json()).toBe("Forbidden");

  // The same request without a session (a request context with no cookies) is refused
  // as coming from nobody.
  const anonymous = await request.post("/api/users/list", {
    form: { "query[q]": "", "query[status]": "All", "query[page]": "1" },
  });
  expect(anonymous.ok(), `status ${anonymous.status()}`).toBe(false);
  expect(await anonymous.json()).toBe("Unauthenticated");
});
