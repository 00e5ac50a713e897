import { ADMIN, DEMO_PASSWORD, ROOT_UNIT_CODE, expect, open, selectUnit, signIn, submitSignIn, test, unique } from "./support";
import type { Page } from "@playwright/test";

// Each sign-in failure uses a login of its own, so no test throttles an account another
// test signs in with.

test("a wrong password at sign-in shows a translated error and signs nobody in", async ({ page }) => {
  await submitSignIn(page, `nobody${unique()}`, "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("登录名或密码错误");
  await expect(page.getByRole("heading", { name: "登录", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "退出登录" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "登录", exact: true })).toBeVisible();
});

test("after a wrong password the login name typed is still in the sign-in form", async ({ page }) => {
  const login = `nobody${unique()}`;
  await submitSignIn(page, login, "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("登录名或密码错误");
  await expect(page.getByLabel("登录名", { exact: true })).toHaveValue(login);
});

test("a wrong password for a real account is refused, and the right one then signs in", async ({ page }) => {
  await submitSignIn(page, ADMIN, "Demo-2026?");
  await expect(page.getByRole("alert")).toHaveText("登录名或密码错误");
  await expect(page.getByRole("button", { name: "退出登录" })).toHaveCount(0);
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await expect(page.getByRole("heading", { name: "管理工作台" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
});

/** Creates a unit under the root, then tries a second one with the same code under 拱墅区. */
async function createDuplicateUnit(page: Page) {
  const sfx = unique();
  const code = `dup-${sfx}`;
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/admin/units");
  const form = page.getByRole("region", { name: "新建单位" });
  await form.getByLabel("单位代码").fill(code);
  await form.getByLabel("单位名称").fill(`第一个${sfx}`);
  await selectUnit(page, "上级单位", ROOT_UNIT_CODE);
  await form.getByRole("button", { name: "新建", exact: true }).click();
  await expect(page.getByRole("cell", { name: code, exact: true })).toBeVisible();

  await open(page, "/admin/units");
  const secondName = `第二个${sfx}`;
  await form.getByLabel("单位代码").fill(code);
  await form.getByLabel("单位名称").fill(secondName);
  const parent = await selectUnit(page, "上级单位", "330105");
  await form.getByRole("button", { name: "新建", exact: true }).click();
  await expect(form.getByRole("alert")).toHaveText("该单位代码已被使用");
  return { form, code, secondName, parent };
}

test("creating a unit with a code already in use shows a translated error and creates nothing", async ({ page }) => {
  const { form, code, secondName } = await createDuplicateUnit(page);
  await expect(form.getByRole("status")).toHaveCount(0);
  await expect(page.getByRole("cell", { name: code, exact: true })).toHaveCount(1);
  await expect(page.getByRole("link", { name: secondName })).toHaveCount(0);
});

test("after a refused unit creation the code, name and parent typed are still in the form", async ({ page }) => {
  const { form, code, secondName, parent } = await createDuplicateUnit(page);
  await expect(form.getByLabel("单位代码")).toHaveValue(code);
  await expect(form.getByLabel("单位名称")).toHaveValue(secondName);
  await expect(form.getByLabel("上级单位")).toHaveValue(parent);
});

test("creating a user with a login already in use shows a translated error", async ({ page }) => {
  await signIn(page, ADMIN, DEMO_PASSWORD);
  await open(page, "/admin/users/new");
  await page.getByLabel("登录名", { exact: true }).fill("zhangwei");
  await page.getByLabel("姓名", { exact: true }).fill("另一个张伟");
  await selectUnit(page, "单位", "330102-02");
  await page.getByLabel("初始密码", { exact: true }).fill("Init-pass-2026");
  await page.getByRole("button", { name: "新建", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("该登录名已被使用");
  await expect(page).toHaveURL(/\/admin\/users\/new/);
  await expect(page.getByRole("heading", { name: "新建用户" })).toBeVisible();
  // Nothing typed is lost, with or without JavaScript (the password is never sent back).
  await expect(page.getByLabel("登录名", { exact: true })).toHaveValue("zhangwei");
  await expect(page.getByLabel("姓名", { exact: true })).toHaveValue("另一个张伟");
  await expect(page.getByLabel("单位", { exact: true })).not.toHaveValue("");
  await expect(page.getByRole("checkbox", { name: "考生" })).toBeChecked();
});
