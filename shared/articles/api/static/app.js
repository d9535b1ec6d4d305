// The article-pipeline page: lists articles, shows one, uploads files. Plain DOM, no framework.
// Everything shown comes from the API next to this page; text is always set as text, never HTML.
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="article-pipeline"]');
  var config = JSON.parse((meta && meta.getAttribute("content")) || "{}");
  var base = config.base || "/";
  var KEY_STORE = "article-pipeline.api-key";
  var POLL_MS = 2000;
  var REFRESH_MS = 5000;
  var WATCH_LIMIT_MS = 5 * 60 * 1000;
  var PAGE_SIZE = 20;

  var STATUS = {
    SUMMARIZED: { label: "Summarized", mark: "✓", tone: "ok" },
    QUEUED: { label: "Queued", mark: "…", tone: "busy" },
    EXTRACTED: { label: "Extracted, summarising", mark: "…", tone: "busy" },
    FAILED: { label: "Failed", mark: "✕", tone: "bad" },
    DELETED: { label: "Deleted", mark: "–", tone: "gone" },
    UPLOADING: { label: "Uploading", mark: "↑", tone: "busy" },
    WAITING: { label: "Uploaded, waiting for the pipeline", mark: "…", tone: "busy" }
  };
  var TERMINAL = { SUMMARIZED: true, FAILED: true, DELETED: true };

  var PLAIN_ERRORS = {
    unsupported_format: "The file is not in a format the pipeline reads (HTML, plain text, Markdown or PDF).",
    too_large: "The file is larger than the pipeline accepts.",
    empty_document: "The file is empty.",
    encrypted_document: "The PDF is password-protected, so its text cannot be read.",
    corrupt_document: "The file is damaged or cut short, and could not be read.",
    undecodable_text: "The text is in a character encoding that could not be worked out.",
    no_text_found: "No article text was found in the file (a scanned PDF without a text layer?).",
    extraction_timeout: "Reading the file took too long.",
    source_missing: "The file was gone from the bucket before it could be read.",
    storage_unavailable: "Storage was unavailable; trying again later may work.",
    summarizer_unavailable: "The key-point writer was unavailable; trying again later may work.",
    concurrent_update: "Two updates met; trying again later may work.",
    internal_error: "Something went wrong inside the pipeline; trying again later may work.",
    stalled: "Processing stopped mid-way and never resumed; reprocessing it may work."
  };

  var $ = function (id) { return document.getElementById(id); };
  var state = { status: "", cursor: null, items: {}, order: [], watching: {}, loading: false };

  // -- talking to the API ----------------------------------------------------------------------

  function apiKey() {
    try { return sessionStorage.getItem(KEY_STORE); } catch (e) { return null; }
  }

  function ApiError(status, code, message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  function api(path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.json !== undefined) headers["Content-Type"] = "application/json";
    var key = apiKey();
    if (config.auth === "API_KEY" && key) headers["x-api-key"] = key;
    return fetch(base + path, {
      method: options.method || "GET",
      headers: headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
      cache: "no-cache"
    }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        if (response.ok) return body;
        var error = (body && body.error) || {};
        if (response.status === 403 && config.auth === "API_KEY" && !error.code) {
          try { sessionStorage.removeItem(KEY_STORE); } catch (e) { /* private mode */ }
          showAuth("The key was refused. Enter it again.");
        }
        throw new ApiError(response.status, error.code || "http_" + response.status,
          error.message || (body && body.message) || response.statusText || "request failed");
      });
    });
  }

  function notice(message) {
    var box = $("notice");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function describe(error) {
    if (error instanceof ApiError) return error.message + " (" + error.code + ")";
    return "The API could not be reached: " + (error && error.message ? error.message : error);
  }

  // -- small DOM helpers -------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function badge(status) {
    var info = STATUS[status] || { label: status, mark: "?", tone: "busy" };
    var node = el("span", "badge " + info.tone);
    node.setAttribute("data-status", status);
    node.textContent = info.mark + " " + info.label;
    return node;
  }

  function when(iso) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime())) return iso;
    return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  function timeNode(iso) {
    var node = el("time", null, when(iso));
    if (iso) node.setAttribute("datetime", iso);
    return node;
  }

  function sourceName(item) {
    var key = (item.source && item.source.key) || "";
    return key.split("/").pop() || item.id;
  }

  // -- the list ------------------------------------------------------------------------------------

  function row(item) {
    var li = el("li");
    li.id = "article-" + item.id;
    li.setAttribute("data-id", item.id);
    li.setAttribute("data-status", item.status);
    var link = el("a", "title", item.title || sourceName(item));
    link.href = "#/articles/" + encodeURIComponent(item.id);
    li.appendChild(link);
    li.appendChild(badge(item.status));
    var sub = el("span", "sub");
    var parts = [];
    if (item.site_name) parts.push(item.site_name);
    if (item.error && item.status === "FAILED") parts.push(item.error.code);
    sub.appendChild(document.createTextNode(parts.join(" · ") + (parts.length ? " · " : "")));
    sub.appendChild(timeNode(item.created_at));
    li.appendChild(sub);
    return li;
  }

  function placeholderRow(id, name, status) {
    return row({ id: id, title: name, status: status, source: { key: name } });
  }

  function put(item, atTop) {
    var list = $("articles");
    var existing = $("article-" + item.id);
    var fresh = row(item);
    state.items[item.id] = item;
    if (existing) {
      list.replaceChild(fresh, existing);
    } else if (atTop) {
      list.insertBefore(fresh, list.firstChild);
    } else {
      list.appendChild(fresh);
    }
    applyTitleFilter();
    if (item.status === "QUEUED" || item.status === "EXTRACTED") watch(item.id);
  }

  function applyTitleFilter() {
    var needle = $("title-filter").value.trim().toLowerCase();
    var rows = $("articles").children;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var title = (rows[i].querySelector(".title") || {}).textContent || "";
      var statusOk = !state.status || rows[i].getAttribute("data-status") === state.status ||
        rows[i].getAttribute("data-status") === "UPLOADING" ||
        rows[i].getAttribute("data-status") === "WAITING";
      var visible = statusOk && (!needle || title.toLowerCase().indexOf(needle) !== -1);
      rows[i].hidden = !visible;
      if (visible) shown++;
    }
    var message = shown ? "" : (rows.length ? "No loaded title matches." : "No articles yet.");
    if (!rows.length && state.status) message = "No articles in this status.";
    $("list-status").textContent = state.loading ? "Loading…" : message;
  }

  function loadPage(reset) {
    if (state.loading) return;
    if (reset) {
      state.cursor = null;
      $("articles").textContent = "";
    }
    state.loading = true;
    $("list-status").textContent = "Loading…";
    var query = "articles?limit=" + PAGE_SIZE;
    if (state.status) query += "&status=" + encodeURIComponent(state.status);
    if (state.cursor) query += "&cursor=" + encodeURIComponent(state.cursor);
    api(query).then(function (page) {
      state.loading = false;
      notice("");
      page.items.forEach(function (item) { put(item, false); });
      state.cursor = page.next_cursor || null;
      $("load-more").hidden = !state.cursor;
      applyTitleFilter();
    }).catch(function (error) {
      state.loading = false;
      $("list-status").textContent = "";
      notice(describe(error));
    });
  }

  // New records (dropped by others, or through the aws CLI) appear at the top by themselves.
  function refreshTop() {
    if (!$("article-view").hidden || state.loading || document.hidden) return;
    var query = "articles?limit=" + PAGE_SIZE;
    if (state.status) query += "&status=" + encodeURIComponent(state.status);
    api(query).then(function (page) {
      var fresh = page.items.filter(function (item) { return !state.items[item.id]; });
      for (var i = fresh.length - 1; i >= 0; i--) put(fresh[i], true);
      page.items.forEach(function (item) {
        var known = state.items[item.id];
        if (known && known.status !== item.status) put(item, false);
      });
    }).catch(function () { /* the next round tries again */ });
  }

  // Records still in progress are asked for again until they end.
  function watch(id) {
    if (state.watching[id]) return;
    state.watching[id] = setTimeout(function poll() {
      api("articles/" + encodeURIComponent(id)).then(function (item) {
        delete state.watching[id];
        if (!state.status || item.status === state.status || $("article-" + id)) put(item, false);
        if (currentId() === id) showArticle(item);
        if (!TERMINAL[item.status]) watch(id);
      }).catch(function () {
        delete state.watching[id];
        setTimeout(function () { watch(id); }, POLL_MS * 2);
      });
    }, POLL_MS);
  }

  // -- uploads -------------------------------------------------------------------------------------

  function uploadLine(name) {
    var li = el("li", null, name + ": ");
    var status = el("span", null, "asking for an upload form…");
    li.appendChild(status);
    $("uploads").appendChild(li);
    return status;
  }

  function upload(file) {
    var line = uploadLine(file.name);
    if (file.size > config.maxBytes) {
      line.textContent = "too large (" + file.size + " bytes; the limit is " + config.maxBytes + ")";
      return Promise.resolve();
    }
    return api("uploads", {
      method: "POST",
      json: { filename: file.name, size: file.size, content_type: file.type || null }
    }).then(function (ticket) {
      line.textContent = "uploading…";
      put({ id: ticket.id, title: file.name, status: "UPLOADING", source: { key: ticket.key } }, true);
      var form = new FormData();
      Object.keys(ticket.fields).forEach(function (name) { form.append(name, ticket.fields[name]); });
      form.append("file", file);
      return fetch(ticket.url, { method: "POST", body: form }).then(function (response) {
        if (!response.ok) throw new Error("the bucket answered " + response.status);
        line.textContent = "uploaded; processing…";
        var waiting = $("article-" + ticket.id);
        if (waiting) waiting.replaceWith(placeholderRow(ticket.id, file.name, "WAITING"));
        awaitRecord(ticket.id, line, Date.now());
      });
    }).catch(function (error) {
      line.textContent = "failed: " + describe(error);
    });
  }

  // A new upload's record appears once S3 has told the pipeline: look for it on the first page
  // (it is the newest), then follow it like any record in progress.
  function awaitRecord(id, line, started) {
    api("articles?limit=" + PAGE_SIZE).then(function (page) {
      var found = page.items.filter(function (item) { return item.id === id; })[0];
      if (found) {
        line.textContent = "in the pipeline";
        put(found, true);
        return;
      }
      if (Date.now() - started > WATCH_LIMIT_MS) {
        line.textContent = "uploaded, but no record yet; check again later";
        return;
      }
      setTimeout(function () { awaitRecord(id, line, started); }, POLL_MS);
    }).catch(function () {
      setTimeout(function () { awaitRecord(id, line, started); }, POLL_MS * 2);
    });
  }

  function uploadAll(files) {
    Array.prototype.reduce.call(files, function (chain, file) {
      return chain.then(function () { return upload(file); });
    }, Promise.resolve());
  }

  function setUpDrop() {
    if (!config.uploads) {
      $("drop-off").hidden = false;
      return;
    }
    $("drop").hidden = false;
    var input = $("file-input");
    input.setAttribute("accept", config.accept || "");
    $("drop-hint").textContent = "Files of up to " + Math.floor(config.maxBytes / 1048576) +
      " MB go straight to the bucket; each appears below and updates until it is done.";
    input.addEventListener("change", function () {
      if (input.files && input.files.length) uploadAll(input.files);
      input.value = "";
    });
    var zone = $("dropzone");
    ["dragenter", "dragover"].forEach(function (name) {
      document.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      document.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.remove("over");
      });
    });
    document.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files.length) uploadAll(event.dataTransfer.files);
    });
  }

  // -- one article -----------------------------------------------------------------------------------

  function currentId() {
    var match = /^#\/articles\/([^/]+)$/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function metaRow(list, name, value) {
    if (value === undefined || value === null || value === "" ||
        (Array.isArray(value) && !value.length)) return;
    list.appendChild(el("dt", null, name));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    list.appendChild(dd);
  }

  function fill(listId, values) {
    var list = $(listId);
    list.textContent = "";
    (values || []).forEach(function (value) { list.appendChild(el("li", null, value)); });
    $(listId + "-box").hidden = !(values && values.length);
  }

  function showArticle(item) {
    var title = $("article-title");
    title.textContent = "";
    var name = item.title || sourceName(item);
    if (item.url && /^https?:\/\//i.test(item.url)) {
      var link = el("a", null, name);
      link.href = item.url;
      link.rel = "noopener noreferrer";
      title.appendChild(link);
    } else {
      title.textContent = name;
    }
    document.title = name + " · article-pipeline";
    var status = $("article-status");
    status.textContent = "";
    status.appendChild(badge(item.status));
    var metaList = $("article-meta");
    metaList.textContent = "";
    metaRow(metaList, "Authors", (item.authors || []).join(", "));
    metaRow(metaList, "Site", item.site_name);
    metaRow(metaList, "Published", item.published ? timeNode(item.published) : null);
    metaRow(metaList, "Language", item.language);
    metaRow(metaList, "Reading time", item.reading_minutes ? item.reading_minutes + " min" : null);
    metaRow(metaList, "Words", item.word_count);
    metaRow(metaList, "File", sourceName(item));
    metaRow(metaList, "Added", timeNode(item.created_at));

    var failed = item.status === "FAILED" && item.error;
    $("article-error").hidden = !failed;
    if (failed) {
      $("error-plain").textContent = PLAIN_ERRORS[item.error.code] || "Processing failed.";
      $("error-code").textContent = item.error.code;
      $("error-message").textContent = item.error.message || "";
    }
    $("article-lede").textContent = item.summary || "";
    $("article-lede-box").hidden = !item.summary;
    fill("article-points", item.key_points);
    fill("article-keywords", item.keywords);
    $("article-text-box").hidden = !item.has_text;
    $("article-json").textContent = JSON.stringify(item, null, 2);
  }

  function openArticle(id) {
    $("list-view").hidden = true;
    $("drop").hidden = true;
    $("drop-off").hidden = true;
    $("article-view").hidden = false;
    $("article-text").hidden = true;
    $("article-text").textContent = "";
    $("show-text").hidden = false;
    $("article-title").textContent = "Loading…";
    api("articles/" + encodeURIComponent(id)).then(function (item) {
      notice("");
      showArticle(item);
      if (!TERMINAL[item.status]) watch(item.id);
      $("article-title").focus();
    }).catch(function (error) {
      $("article-title").textContent = "Not found";
      notice(describe(error));
    });
  }

  function showText() {
    var id = currentId();
    if (!id) return;
    var box = $("article-text");
    box.hidden = false;
    box.textContent = "Loading…";
    api("articles/" + encodeURIComponent(id) + "/text").then(function (text) {
      box.textContent = "";
      if (text.text !== undefined && text.text !== null) {
        box.textContent = text.text;
      } else if (text.text_url) {
        var link = el("a", null, "Download the text (" + Math.round(text.text_bytes / 1048576) +
          " MB; too large to show here)");
        link.href = text.text_url;
        box.appendChild(link);
      }
      $("show-text").hidden = true;
    }).catch(function (error) {
      box.textContent = describe(error);
    });
  }

  // -- navigation and start-up ---------------------------------------------------------------------

  function showList() {
    document.title = "Articles · article-pipeline";
    $("article-view").hidden = true;
    $("list-view").hidden = false;
    if (config.uploads) $("drop").hidden = false; else $("drop-off").hidden = false;
  }

  function route() {
    var id = currentId();
    if (id) openArticle(id); else showList();
  }

  function showAuth(message) {
    $("auth-key").hidden = false;
    $("list-view").hidden = true;
    $("drop").hidden = true;
    notice(message || "");
    $("key-input").focus();
  }

  function start() {
    $("openapi-link").href = base + "openapi.json";
    $("version").textContent = config.version ? "article-pipeline " + config.version : "";
    var here = location.origin + base;
    Array.prototype.forEach.call(document.querySelectorAll(".api-url"), function (node) {
      node.textContent = here;
    });
    if (config.auth === "IAM") {
      $("auth-iam").hidden = false;
      $("list-view").hidden = true;
      return;
    }
    $("key-form").addEventListener("submit", function (event) {
      event.preventDefault();
      try { sessionStorage.setItem(KEY_STORE, $("key-input").value.trim()); } catch (e) { /* */ }
      $("key-input").value = "";
      $("auth-key").hidden = true;
      notice("");
      begin();
    });
    if (config.auth === "API_KEY" && !apiKey()) {
      showAuth("");
      return;
    }
    begin();
  }

  function begin() {
    $("list-view").hidden = false;
    if (state.begun) {
      loadPage(true);
      route();
      return;
    }
    state.begun = true;
    setUpDrop();
    $("status-filter").addEventListener("change", function (event) {
      state.status = event.target.value;
      loadPage(true);
    });
    $("title-filter").addEventListener("input", applyTitleFilter);
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); });
    $("load-more").addEventListener("click", function () { loadPage(false); });
    $("show-text").addEventListener("click", showText);
    window.addEventListener("hashchange", route);
    setInterval(refreshTop, REFRESH_MS);
    loadPage(true);
    route();
  }

  start();
})();
