import { defineConfig } from "@playwright/test";

// The browser tests run every spec twice against one server: once with JavaScript
// (the page hydrates and forms are handled by the wasm front end) and once without
// (every form is a plain HTML form post). The server gets a fresh data directory with
// the demo organisation on each run; tests create their own uniquely named records.
export default defineConfig({
  testDir: "./tests",
  // Two cores: one worker, one test at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: "list",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: "./test-results",
  use: {
    baseURL: "http://127.0.0.1:3100",
    // The interface follows Accept-Language when nobody has chosen a language; the
    // default (Simplified Chinese) is what the tests expect to see first.
    locale: "zh-CN",
    trace: "off",
    screenshot: "off",
    video: "off",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "hydrated", use: { browserName: "chromium", javaScriptEnabled: true } },
    { name: "no-js", use: { browserName: "chromium", javaScriptEnabled: false } },
  ],
  webServer: {
    command: "bash ./serve.sh",
    url: "http://127.0.0.1:3100/healthz",
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
