// The fixture's stand-in for YouTube's desktop app script, doing what the real one does with
// the comments (as yt-dlp's _comment_entries and scrapers describe it): the comment section
// (ytInitialData itemSectionRenderer "comment-item-section") holds one continuationItemRenderer
// that is fetched when it scrolls into view (trigger CONTINUATION_TRIGGER_ON_ITEM_SHOWN) by POST
// /youtubei/v1/next {context, continuation}; the answer's onResponseReceivedEndpoints
// (reloadContinuationItemsCommand, appendContinuationItemsAction) carry commentsHeaderRenderer,
// commentThreadRenderer (commentViewModel.commentKey) and a further continuationItemRenderer;
// frameworkUpdates.entityBatchUpdate.mutations carry the commentEntityPayload of each comment.
// Replies load when "답글 N개" (#more-replies) is clicked, then "답글 더보기" for the rest.
(function () {
  "use strict";
  const esc = s => String(s == null ? "" : s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const text = t => !t ? "" : t.simpleText != null ? t.simpleText : (t.runs || []).map(r => r.text).join("");
  const videoId = (new URLSearchParams(location.search)).get("v") || "";
  const entities = new Map();

  function next(token) {
    return fetch("/youtubei/v1/next?prettyPrint=false", {
      method: "POST", credentials: "include", headers: {"Content-Type": "application/json", "X-Youtube-Client-Name": "1", "X-Youtube-Client-Version": ytcfg.get("INNERTUBE_CLIENT_VERSION")},
      body: JSON.stringify({context: ytcfg.get("INNERTUBE_CONTEXT"), continuation: token})
    }).then(r => r.json()).then(d => {
      for (const m of ((d.frameworkUpdates || {}).entityBatchUpdate || {}).mutations || []) {
        if (m.payload && m.payload.commentEntityPayload) entities.set(m.entityKey, m.payload.commentEntityPayload);
      }
      return d.onResponseReceivedEndpoints || [];
    });
  }

  function comment(key, reply) {
    const e = entities.get(key);
    if (!e) return "";
    const p = e.properties, a = e.author, h = "/" + a.displayName;
    const link = location.pathname === "/watch" ? "/watch?v=" + videoId + "&lc=" + p.commentId : location.pathname + "?lc=" + p.commentId;
    return '<ytd-comment-view-model id="comment" class="style-scope ytd-comment-thread-renderer"' + (reply ? " is-reply" : "") + '>' +
      '<div id="body" class="style-scope ytd-comment-view-model"><div id="author-thumbnail"><a class="yt-simple-endpoint" href="' + esc(h) + '" tabindex="-1"><img alt="" width="40" height="40"></a></div>' +
      '<div id="main" class="style-scope ytd-comment-view-model"><div id="header"><div id="header-author" class="style-scope ytd-comment-view-model">' +
      '<h3 class="style-scope ytd-comment-view-model"><a id="author-text" class="yt-simple-endpoint style-scope ytd-comment-view-model" href="' + esc(h) + '"><span class="style-scope ytd-comment-view-model">' + esc(a.displayName) + '</span></a></h3>' +
      '<span id="published-time-text" class="style-scope ytd-comment-view-model"><a class="yt-simple-endpoint style-scope ytd-comment-view-model" href="' + esc(link) + '">' + esc(p.publishedTime) + '</a></span></div></div>' +
      '<div id="expander" class="style-scope ytd-comment-view-model"><div id="content" class="style-scope ytd-expander"><yt-attributed-string id="content-text" slot="content" class="style-scope ytd-comment-view-model" user-input><span class="yt-core-attributed-string yt-core-attributed-string--white-space-pre-wrap" role="text">' + esc(p.content.content) + '</span></yt-attributed-string></div></div>' +
      '<div id="action-buttons" class="style-scope ytd-comment-view-model"><ytd-comment-engagement-bar><div id="toolbar" class="style-scope ytd-comment-engagement-bar">' +
      '<div id="like-button"><button class="yt-spec-button-shape-next" aria-label="좋아요" aria-pressed="false" data-fixture="like"></button></div>' +
      '<span id="vote-count-middle" class="style-scope ytd-comment-engagement-bar" aria-label="좋아요 ' + esc(e.toolbar.likeCountNotliked) + '개">' + esc(e.toolbar.likeCountNotliked) + '</span>' +
      '<div id="dislike-button"><button class="yt-spec-button-shape-next" aria-label="싫어요" aria-pressed="false"></button></div>' +
      '<div id="reply-button-end"><ytd-button-renderer><yt-button-shape><button class="yt-spec-button-shape-next" aria-label="답글">답글</button></yt-button-shape></ytd-button-renderer></div>' +
      '</div></ytd-comment-engagement-bar></div></div></div></ytd-comment-view-model>';
  }

  function thread(t) {
    const vm = t.commentViewModel.commentViewModel;
    let replies = "";
    const rr = t.replies && t.replies.commentRepliesRenderer;
    if (rr) {
      const c = rr.contents[0].continuationItemRenderer;
      const label = text(rr.viewReplies.buttonRenderer.text);
      replies = '<div id="replies" class="style-scope ytd-comment-thread-renderer"><ytd-comment-replies-renderer class="style-scope ytd-comment-thread-renderer" data-target-id="' + esc(rr.targetId) + '">' +
        '<div id="expander" class="style-scope ytd-comment-replies-renderer"><div id="expander-header">' +
        '<ytd-button-renderer id="more-replies" class="more-button style-scope ytd-comment-replies-renderer"><yt-button-shape><button class="yt-spec-button-shape-next yt-spec-button-shape-next--call-to-action" aria-label="' + esc(label) + '" data-token="' + esc(c.continuationEndpoint.continuationCommand.token) + '"><div class="yt-spec-button-shape-next__button-text-content"><span>' + esc(label) + '</span></div></button></yt-button-shape></ytd-button-renderer>' +
        '<ytd-button-renderer id="less-replies" class="less-button style-scope ytd-comment-replies-renderer" hidden><yt-button-shape><button class="yt-spec-button-shape-next" aria-label="답글 숨기기"><span>답글 숨기기</span></button></yt-button-shape></ytd-button-renderer></div>' +
        '<div id="expander-contents" class="style-scope ytd-comment-replies-renderer"><div id="contents" class="style-scope ytd-comment-replies-renderer"></div></div></div></ytd-comment-replies-renderer></div>';
    }
    return '<ytd-comment-thread-renderer class="style-scope ytd-item-section-renderer">' + comment(vm.commentKey, false) + replies + '</ytd-comment-thread-renderer>';
  }

  function continuation(c) {
    if (c.button) {
      const b = c.button.buttonRenderer, l = text(b.text);
      return '<ytd-continuation-item-renderer class="replies-continuation style-scope ytd-comment-replies-renderer"><div id="button" class="style-scope ytd-continuation-item-renderer"><ytd-button-renderer><yt-button-shape><button class="yt-spec-button-shape-next" aria-label="' + esc(l) + '" data-token="' + esc(b.command.continuationCommand.token) + '"><span>' + esc(l) + '</span></button></yt-button-shape></ytd-button-renderer></div></ytd-continuation-item-renderer>';
    }
    return '<ytd-continuation-item-renderer class="comments-spinner style-scope ytd-item-section-renderer" data-token="' + esc(c.continuationEndpoint.continuationCommand.token) + '"><tp-yt-paper-spinner id="spinner" active></tp-yt-paper-spinner></ytd-continuation-item-renderer>';
  }

  const section = document.querySelector("ytd-comments#comments ytd-item-section-renderer");
  const contents = section && section.querySelector("#contents");
  const observer = new IntersectionObserver(entries => {
    for (const en of entries) {
      if (!en.isIntersecting) continue;
      observer.unobserve(en.target);
      load(en.target);
    }
  }, {rootMargin: "0px 0px 200px 0px"});

  function load(spinner) {
    next(spinner.getAttribute("data-token")).then(eps => {
      spinner.remove();
      for (const ep of eps) {
        const act = ep.reloadContinuationItemsCommand || ep.appendContinuationItemsAction;
        if (!act) continue;
        let html = "";
        for (const it of act.continuationItems) {
          if (it.commentsHeaderRenderer) {
            section.querySelector("#header").innerHTML = '<ytd-comments-header-renderer class="style-scope ytd-item-section-renderer"><div id="title" class="style-scope ytd-comments-header-renderer">' +
              '<h2 id="count" class="style-scope ytd-comments-header-renderer"><yt-formatted-string class="count-text style-scope ytd-comments-header-renderer">' +
              it.commentsHeaderRenderer.countText.runs.map(r => '<span dir="auto" class="style-scope yt-formatted-string">' + esc(r.text) + "</span>").join("") +
              '</yt-formatted-string></h2><div id="sort-menu"><yt-sort-filter-sub-menu-renderer><span>정렬 기준</span></yt-sort-filter-sub-menu-renderer></div></div></ytd-comments-header-renderer>';
          } else if (it.commentThreadRenderer) {
            html += thread(it.commentThreadRenderer);
          } else if (it.continuationItemRenderer) {
            html += continuation(it.continuationItemRenderer);
          }
        }
        if (ep.reloadContinuationItemsCommand) contents.innerHTML = html; else contents.insertAdjacentHTML("beforeend", html);
      }
      for (const s of contents.querySelectorAll(":scope > ytd-continuation-item-renderer.comments-spinner")) observer.observe(s);
    });
  }

  function loadReplies(box, token) {
    next(token).then(eps => {
      for (const ep of eps) {
        const act = ep.appendContinuationItemsAction;
        if (!act) continue;
        let html = "";
        for (const it of act.continuationItems) {
          if (it.commentViewModel) html += comment(it.commentViewModel.commentKey, true);
          else if (it.continuationItemRenderer) html += continuation(it.continuationItemRenderer);
        }
        box.insertAdjacentHTML("beforeend", html);
      }
    });
  }

  document.addEventListener("click", e => {
    const t = e.target;
    // The description's "...더보기": the full description from the player response.
    const exp = t.closest("ytd-text-inline-expander#description-inline-expander #expand");
    if (exp) {
      const box = exp.parentElement;
      box.querySelector("#expanded yt-attributed-string").innerHTML = '<span class="yt-core-attributed-string yt-core-attributed-string--white-space-pre-wrap" role="text">' +
        esc(ytInitialPlayerResponse.videoDetails.shortDescription).replace(/\n/g, "<br>") + "</span>";
      box.querySelector("#expanded").hidden = false;
      box.querySelector("#snippet").hidden = true;
      exp.hidden = true;
      box.querySelector("#collapse").hidden = false;
      box.removeAttribute("collapsed");
      return;
    }
    const col = t.closest("ytd-text-inline-expander#description-inline-expander #collapse");
    if (col) {
      const box = col.parentElement;
      box.querySelector("#expanded").hidden = true; box.querySelector("#snippet").hidden = false;
      col.hidden = true; box.querySelector("#expand").hidden = false; box.setAttribute("collapsed", "");
      return;
    }
    const more = t.closest("ytd-comment-replies-renderer #more-replies button");
    if (more) {
      const rr = more.closest("ytd-comment-replies-renderer");
      rr.querySelector("#more-replies").hidden = true;
      rr.querySelector("#less-replies").hidden = false;
      loadReplies(rr.querySelector("#expander-contents #contents"), more.getAttribute("data-token"));
      return;
    }
    const cont = t.closest("ytd-comment-replies-renderer ytd-continuation-item-renderer button");
    if (cont) {
      const item = cont.closest("ytd-continuation-item-renderer"), box = item.parentElement;
      item.remove();
      loadReplies(box, cont.getAttribute("data-token"));
      return;
    }
    // The buttons that act for the viewer: what the real app would send (the capture must never).
    const act = t.closest("[data-fixture]");
    if (act) {
      const ep = {like: "/youtubei/v1/like/like", share: "/youtubei/v1/share/get_share_panel", subscribe: "/youtubei/v1/subscription/subscribe"}[act.getAttribute("data-fixture")];
      fetch(ep + "?prettyPrint=false", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({context: ytcfg.get("INNERTUBE_CONTEXT")})});
    }
  });

  // The comment section starts with the continuation of ytInitialData.
  const find = (o, depth) => {
    if (!o || typeof o !== "object" || depth > 12) return null;
    if (o.itemSectionRenderer && o.itemSectionRenderer.sectionIdentifier === "comment-item-section") return o.itemSectionRenderer;
    for (const k in o) { const r = find(o[k], depth + 1); if (r) return r; }
    return null;
  };
  const isr = find(window.ytInitialData, 0);
  if (contents && isr) {
    contents.innerHTML = isr.contents.map(c => c.continuationItemRenderer ? continuation(c.continuationItemRenderer) : "").join("");
    for (const s of contents.querySelectorAll("ytd-continuation-item-renderer.comments-spinner")) observer.observe(s);
  }
})();
