// JSON over HTTP with the contract's error object turned into an ApiError. A body that is a file
// (a Blob) is sent as it is, with its own type.

import { currentLanguage } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body = undefined, headers = {}) {
  const raw = body instanceof Blob;
  const type = raw ? body.type || "application/octet-stream" : "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        "Accept-Language": currentLanguage(),
        // The device's own clock: it may confirm a server clock the station did not believe.
        "X-Client-Clock": String(Date.now()),
        ...(body === undefined ? {} : { "Content-Type": type }),
        ...headers,
      },
      body: body === undefined || raw ? body : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (error) {
    throw new ApiError(0, "network", error.message);
  }
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = payload.error || {};
    throw new ApiError(response.status, error.code || "unknown", error.message || response.statusText);
  }
  return payload;
}
