"""The two pages that complete account emails in a browser: `/account/verify-email` and
`/account/reset-password` (the default `CLIPSTREAM_WEB_URL` is `{PUBLIC_URL}/account`).

Small, server-rendered, no external assets, usable on a phone. Opening the link spends nothing (mail
scanners follow links): the page reads the token from its own address and calls the API only when
the person presses the button. Their Content-Security-Policy allows exactly their own inline style
and script (by hash) and calls to this origin; nothing else loads.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from litestar import Controller, Response, get

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
background:#f4f4f5;color:#18181b}
main{max-width:28rem;margin:0 auto;padding:2rem 1rem}
h1{font-size:1.4rem;margin:0 0 1rem}
.card{background:#fff;border-radius:.5rem;padding:1.5rem}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;padding:.75rem;font-size:1rem;border:1px solid #a1a1aa;border-radius:.375rem}
button{margin-top:1.25rem;width:100%;padding:.85rem;font-size:1rem;font-weight:600;color:#fff;
background:#2563eb;border:0;border-radius:.375rem;cursor:pointer}
button:disabled{background:#93c5fd;cursor:default}
#status{margin-top:1rem;min-height:1.5rem}
.ok{color:#15803d}.error{color:#b91c1c}
"""

# Shared by both pages: the token of this page's address, the API next to the page, messages.
_COMMON_SCRIPT = """
const token = new URLSearchParams(location.search).get("token") || "";
const api = new URL("../api/v1/", location.href);
const statusLine = document.getElementById("status");
const button = document.getElementById("go");
function say(text, kind) { statusLine.textContent = text; statusLine.className = kind; }
function problemText(body, fallback) {
  if (body && Array.isArray(body.errors) && body.errors.length) {
    return body.errors.map((e) => (e.field === "token" ? "This link " : e.field + " ") + e.message)
      .join(". ") + ".";
  }
  return (body && body.detail) || fallback;
}
async function call(path, payload) {
  const response = await fetch(new URL(path, api), {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(payload),
  });
  let body = null;
  if (response.status !== 204) { try { body = await response.json(); } catch (e) { body = null; } }
  return {status: response.status, body};
}
if (!token) { say("This link has no token: open the link from the email again.", "error");
  button.disabled = true; }
"""

_VERIFY_SCRIPT = """
button.addEventListener("click", async () => {
  button.disabled = true;
  say("Confirming…", "");
  try {
    const {status, body} = await call("auth/email/verify", {token});
    if (status === 200) {
      say("Thank you: " + body.email + " is verified. You can close this page.", "ok");
      return;
    }
    say(problemText(body, "Something went wrong; try again later."), "error");
    if (status >= 500 || status === 429) button.disabled = false;
  } catch (e) {
    say("The server could not be reached; try again.", "error");
    button.disabled = false;
  }
});
"""

_RESET_SCRIPT = """
const form = document.getElementById("form");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = document.getElementById("password").value;
  if (password !== document.getElementById("again").value) {
    say("The two passwords differ.", "error");
    return;
  }
  button.disabled = true;
  say("Saving…", "");
  try {
    const {status, body} = await call("auth/password/reset", {token, newPassword: password});
    if (status === 204) {
      form.reset();
      say("Your password is changed. Sign in with it in the app; other devices were signed out.",
        "ok");
      return;
    }
    say(problemText(body, "Something went wrong; try again later."), "error");
    button.disabled = false;
  } catch (e) {
    say("The server could not be reached; try again.", "error");
    button.disabled = false;
  }
});
"""

_VERIFY_BODY = """
<h1>Confirm your email address</h1>
<p>Press the button to confirm that this address is yours.</p>
<button id="go" type="button">Confirm my address</button>
<p id="status" role="status" aria-live="polite"></p>
"""

_RESET_BODY = """
<h1>Choose a new password</h1>
<form id="form">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="8"
 maxlength="256" required>
<label for="again">The same password again</label>
<input id="again" name="again" type="password" autocomplete="new-password" minlength="8"
 maxlength="256" required>
<button id="go" type="submit">Save my new password</button>
</form>
<p id="status" role="status" aria-live="polite"></p>
"""


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def _page(title: str, body: str, script: str) -> tuple[str, str]:
    """The page's HTML and its Content-Security-Policy."""
    code = _COMMON_SCRIPT + script
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)} · Clipstream</title>\n<style>{_STYLE}</style>\n</head>\n"
        f'<body>\n<main><div class="card">{body}</div></main>\n<script>{code}</script>\n'
        "</body>\n</html>\n"
    )
    policy = (
        f"default-src 'none'; script-src {_sha256(code)}; style-src {_sha256(_STYLE)}; "
        "connect-src 'self'; img-src 'none'; form-action 'none'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )
    return html, policy


VERIFY_PAGE = _page("Confirm your email address", _VERIFY_BODY, _VERIFY_SCRIPT)
RESET_PAGE = _page("Choose a new password", _RESET_BODY, _RESET_SCRIPT)


def _html(page: tuple[str, str]) -> Response[str]:
    html, policy = page
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": policy, "Cache-Control": "no-store"},
    )


class AccountPagesController(Controller):
    """The pages the links of account emails open (not part of the API)."""

    path = "/account"
    include_in_schema = False

    @get("/verify-email", sync_to_thread=False)
    def verify_email(self) -> Response[str]:
        return _html(VERIFY_PAGE)

    @get("/reset-password", sync_to_thread=False)
    def reset_password(self) -> Response[str]:
        return _html(RESET_PAGE)
