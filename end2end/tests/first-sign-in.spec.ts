import {
  DEMO_UNIT_CODE,
  createCandidateViaApi,
  expect,
  open,
  signIn,
  signOut,
  submitSignIn,
  test,
  unique,
} from "./support";

test("a new user must change the password at first sign-in, then switches to English, which is remembered at the next sign-in", async ({
  page,
  request,
}) => {
  const sfx = unique();
  const login = `first${sfx}`;
  const name = `首登${sfx}`;
  const initialPassword = "Init-pass-2026";
  const newPassword = `Mine-${sfx}-2026!`;

  // An admin has created the account (the admin's side is covered in admin-accounts.spec.ts).
  await createCandidateViaApi(request, { login, name, unitCode: DEMO_UNIT_CODE, password: initialPassword });

  // First sign-in: only the password form, with a notice saying why.
  await submitSignIn(page, login, initialPassword);
  await expect(page.getByRole("heading", { name: "修改密码" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^首次登录或密码已被重置/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "我的考试安排" })).toHaveCount(0);
  await page.getByLabel("当前密码").fill(initialPassword);
  await page.getByLabel("新密码", { exact: true }).fill(newPassword);
  await page.getByLabel("确认新密码").fill(newPassword);
  await page.getByRole("button", { name: "修改密码" }).click();

  // Home, as a candidate.
  await expect(page.getByRole("heading", { name: "我的考试安排" })).toBeVisible();
  await expect(page).toHaveURL(/\/(\?changed=1)?$/);
  await expect(page.getByRole("heading", { name: "修改密码" })).toHaveCount(0);
  await expect(page.getByText(`${name} (${login})`)).toBeVisible();

  // Switch to English.
  const toEnglish = page.getByRole("button", { name: "切换语言" });
  await expect(toEnglish).toHaveText("English");
  await toEnglish.click();
  await expect(page.getByRole("heading", { name: "My scheduled exams" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Home" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const toChinese = page.getByRole("button", { name: "Switch language" });
  await expect(toChinese).toHaveText("中文");

  // The choice belongs to the user, not only to this browser: forget the browser's
  // cookies (the sign-in page is Chinese again), sign in, and it is English.
  await signOut(page, "Sign out", "Sign in");
  await page.context().clearCookies();
  await submitSignIn(page, login, newPassword);
  await expect(page.getByRole("heading", { name: "My scheduled exams" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  // And back to Chinese.
  await page.getByRole("button", { name: "Switch language" }).click();
  await expect(page.getByRole("heading", { name: "我的考试安排" })).toBeVisible();
  await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
  await expect(page.getByRole("button", { name: "切换语言" })).toHaveText("English");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");

  // Chinese is remembered as well.
  await signOut(page);
  await page.context().clearCookies();
  await signIn(page, login, newPassword);
  await expect(page.getByRole("heading", { name: "我的考试安排" })).toBeVisible();
});

test("the language chosen before signing in is kept on the sign-in page", async ({ page }) => {
  await open(page, "/login");
  await page.getByRole("button", { name: "切换语言" }).click();
  await expect(page.getByRole("heading", { name: "Sign in", exact: true })).toBeVisible();
  await expect(page.getByLabel("Login name")).toBeVisible();
  await expect(page.getByLabel("Password", { exact: true })).toBeVisible();
  await open(page, "/login");
  await expect(page.getByRole("heading", { name: "Sign in", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Switch language" }).click();
  await expect(page.getByRole("heading", { name: "登录", exact: true })).toBeVisible();
});
