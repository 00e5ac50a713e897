import {
  ADMIN,
  DEMO_PASSWORD,
  ROOT_UNIT_CODE,
  createCandidate,
  expect,
  jsEnabled,
  open,
  selectUnit,
  signIn,
  signOut,
  submitSignIn,
  test,
  unique,
} from "./support";

test("an admin creates a unit under the root and a user in it, who must change the password at first sign-in", async ({
  page,
}) => {
  const sfx = unique();
  const unitCode = `e2e-${sfx}`;
  const unitName = `测试单位${sfx}`;
  const login = `new${sfx}`;
  const name = `新用户${sfx}`;
  const initialPassword = "Init-pass-2026";

  await signIn(page, ADMIN, DEMO_PASSWORD);
  await expect(page.getByRole("heading", { name: "管理工作台" })).toBeVisible();

  // The unit, through the header navigation.
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "单位", exact: true }).click();
  await expect(page.getByRole("heading", { name: "单位管理" })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/units$/);
  const form = page.getByRole("region", { name: "新建单位" });
  await form.getByLabel("单位代码").fill(unitCode);
  await form.getByLabel("单位名称").fill(unitName);
  const rootValue = await selectUnit(page, "上级单位", ROOT_UNIT_CODE);
  await form.getByRole("button", { name: "新建", exact: true }).click();
  await expect(page.getByRole("row", { name: new RegExp(`^${unitName}\\s+${unitCode}\\s+0$`) })).toBeVisible();
  await expect.soft(form.getByRole("status").filter({ hasText: "已保存" }), "the creation is confirmed").toBeVisible();
  // The new unit sits right under the root.
  await page.getByRole("link", { name: unitName, exact: true }).click();
  await expect(page.getByRole("heading", { name: "编辑单位" })).toBeVisible();
  await expect(page.getByLabel("单位代码")).toHaveValue(unitCode);
  await expect(page.getByLabel("上级单位")).toHaveValue(rootValue);

  // The user, in the new unit.
  await createCandidate(page, { login, name, unitCode, password: initialPassword });

  // Signing out straight from the saved user's page.
  await signOut(page);
  // Signed out, the admin pages are closed again.
  await open(page, "/admin/users");
  await expect(page.getByRole("alert").filter({ hasText: "请先登录" })).toBeVisible();
  await expect(page.getByRole("table")).toHaveCount(0);

  // The new user's first sign-in leads to the password change, whatever page was asked for.
  await submitSignIn(page, login, initialPassword);
  await expect(page.getByRole("heading", { name: "修改密码" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^首次登录或密码已被重置/ })).toBeVisible();
  await open(page, "/admin/users");
  await expect(page.getByRole("heading", { name: "修改密码" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "用户管理" })).toHaveCount(0);
});

test("the user list finds a newly created user by login name and by name", async ({ page }) => {
  const sfx = unique();
  const login = `find${sfx}`;
  const name = `查找${sfx}`;
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await createCandidate(page, { login, name, unitCode: "330102-02", password: "Init-pass-2026" });

  for (const term of [login, name]) {
    await open(page, "/admin/users");
    await expect(page.getByRole("heading", { name: "用户管理" })).toBeVisible();
    await page.getByRole("searchbox", { name: "搜索" }).fill(term);
    await page.getByRole("button", { name: "筛选" }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(term)}`));
    const table = page.getByRole("table");
    await expect(table.getByRole("link", { name: login, exact: true })).toBeVisible();
    await expect(table.getByRole("row")).toHaveCount(2);
    await expect(table.getByRole("row", { name: new RegExp(`${login}\\s+${name}\\s+上城区财政局\\s+考生`) })).toBeVisible();
  }
});

test("signing out right after creating a unit leads to the sign-in page", async ({ page }) => {
  const sfx = unique();
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/admin/units");
  const form = page.getByRole("region", { name: "新建单位" });
  await form.getByLabel("单位代码").fill(`out-${sfx}`);
  await form.getByLabel("单位名称").fill(`退出测试${sfx}`);
  await form.getByRole("button", { name: "新建", exact: true }).click();
  await expect(page.getByRole("cell", { name: `out-${sfx}`, exact: true })).toBeVisible();
  if (jsEnabled()) {
    // With JavaScript the confirmation appears in place: sign out once it is on screen,
    // as a person would. (Without JavaScript there is no confirmation; the first test
    // of this file checks for it.)
    await expect(form.getByRole("status").filter({ hasText: "已保存" })).toBeVisible();
  }
  await signOut(page);
  await expect(page.getByLabel("登录名", { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "单位管理" })).toHaveCount(0);
});

test("the unit list narrows to the units whose name or code matches the search", async ({ page }) => {
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/admin/units");
  await page.getByRole("search").getByLabel("搜索").fill("拱墅");
  await page.getByRole("search").getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/\/admin\/units\?q=/);
  await expect(page.getByRole("cell", { name: "330105", exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: "330102", exact: true })).toHaveCount(0);
});
