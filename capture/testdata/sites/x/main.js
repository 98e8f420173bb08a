// The fixture's stand-in for x.com's web app (abs.twimg.com/responsive-web/client-web/main.*.js):
// it asks the GraphQL API for the post of the address, as the app does (TweetDetail when logged
// in, with the conversation in threaded_conversation_with_injections_v2; TweetResultByRestId,
// the post alone, when not), and renders the posts with the app's markup: cellInnerDiv cells
// holding article[data-testid="tweet"], User-Name, tweetText, the time in the permalink and the
// counts group; a post X marked sensitive shows its warning (a link to
// /settings/content_you_see, a "보기" div[role=button]) in place of the media until clicked.
(function () {
  "use strict";
  const esc = s => String(s == null ? "" : s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const root = document.getElementById("react-root");
  const st = window.__INITIAL_STATE__ || {};
  const loggedIn = !!(st.session && st.session.user_id);
  const m = /^\/([A-Za-z0-9_]{1,15})\/status\/(\d+)/.exec(location.pathname);
  const MONTHS = {Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11};
  const iso = s => { // "Thu May 28 03:15:42 +0000 2026"
    const x = /^\w{3} (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) \+0000 (\d{4})$/.exec(s);
    return x ? new Date(Date.UTC(+x[6], MONTHS[x[1]], +x[2], +x[3], +x[4], +x[5])).toISOString() : "";
  };
  const shortDate = d => (new Date(d).getUTCMonth() + 1) + "월 " + new Date(d).getUTCDate() + "일";

  function userName(u, t, focal) {
    const link = "/" + u.core.screen_name + "/status/" + t.rest_id;
    return '<div class="css-175oi2r r-1awozwy r-18u37iz r-1wbh5a2 r-dnmrzs" data-testid="User-Name">' +
      '<div class="css-175oi2r r-1wbh5a2 r-dnmrzs"><a href="/' + esc(u.core.screen_name) + '" role="link" class="css-175oi2r r-1wbh5a2 r-dnmrzs r-1ny4l3l r-1loqt21"><div dir="ltr"><span class="css-1jxf684"><span class="css-1jxf684">' + esc(u.core.name) + '</span></span></div></a></div>' +
      '<div class="css-175oi2r r-18u37iz r-1wbh5a2 r-1ez5h0i"><div class="css-175oi2r r-1wbh5a2 r-dnmrzs"><a href="/' + esc(u.core.screen_name) + '" role="link" tabindex="-1"><div dir="ltr"><span class="css-1jxf684">@' + esc(u.core.screen_name) + '</span></div></a></div>' +
      (focal ? "" : '<div dir="ltr" aria-hidden="true"><span>·</span></div><div class="css-175oi2r r-18u37iz r-1q142lx"><a href="' + esc(link) + '" dir="ltr" aria-label="' + esc(shortDate(iso(t.legacy.created_at))) + '" role="link"><time datetime="' + esc(iso(t.legacy.created_at)) + '">' + esc(shortDate(iso(t.legacy.created_at))) + '</time></a></div>') +
      '</div></div>';
  }

  function counts(t) {
    const l = t.legacy, v = t.views && t.views.count ? +t.views.count : 0;
    const btn = (id, n, one, many, verb) => '<div class="css-175oi2r r-18u37iz r-1h0z5md"><button aria-label="' + n + " " + (n === 1 ? one : many) + ". " + verb + '" role="button" class="css-175oi2r r-1777fci" data-testid="' + id + '" type="button"><div dir="ltr"><span data-testid="app-text-transition-container"><span class="css-1jxf684"><span>' + n.toLocaleString("en-US") + "</span></span></span></div></button></div>";
    return '<div aria-label="' + l.reply_count + " replies, " + l.retweet_count + " reposts, " + l.favorite_count + " likes, " + l.bookmark_count + " bookmarks, " + v + ' views" role="group" class="css-175oi2r r-1kbdv8c r-18u37iz r-1wtj0ep">' +
      btn("reply", l.reply_count, "Reply", "Replies", "Reply") + btn("retweet", l.retweet_count, "repost", "reposts", "Repost") + btn("like", l.favorite_count, "Like", "Likes", "Like") +
      '<div class="css-175oi2r r-18u37iz r-1h0z5md"><a href="/' + esc(t.core.user_results.result.core.screen_name) + "/status/" + t.rest_id + '/analytics" aria-label="' + v + ' views. View post analytics" role="link"><span data-testid="app-text-transition-container"><span>' + v.toLocaleString("en-US") + "</span></span></a></div>" +
      btn("bookmark", l.bookmark_count, "Bookmark", "Bookmarks", "Bookmark") +
      '<div class="css-175oi2r"><button aria-expanded="false" aria-haspopup="menu" aria-label="게시물 공유하기" role="button" type="button"></button></div></div>';
  }

  function media(t) {
    const ms = (t.legacy.extended_entities || {}).media || [];
    if (!ms.length) return "";
    const photo = '<div class="css-175oi2r r-9aw3ui"><a href="/' + esc(t.core.user_results.result.core.screen_name) + "/status/" + t.rest_id + '/photo/1" role="link"><div aria-label="이미지" data-testid="tweetPhoto"><img alt="이미지" src="' + esc(ms[0].media_url_https) + '" draggable="true"></div></a></div>';
    if (!t.legacy.possibly_sensitive) return photo;
    return '<div class="css-175oi2r r-9aw3ui sensitive" data-photo="' + esc(photo) + '"><div class="css-175oi2r r-1adg3ll"><div class="css-175oi2r r-1ets6dv"><span>콘텐츠 경고: 민감한 콘텐츠</span><span>게시물 작성자가 이 게시물을 민감한 콘텐츠로 표시했습니다.</span>' +
      '<a href="/settings/content_you_see" role="link"><span>설정 변경</span></a></div></div>' +
      '<div role="button" tabindex="0" class="css-175oi2r r-sdzlij r-1phboty"><span>보기</span></div></div>';
  }

  function article(t, focal) {
    const u = t.core.user_results.result;
    const time = iso(t.legacy.created_at);
    return '<div data-testid="cellInnerDiv" style="position:relative"><div class="css-175oi2r r-1igl3o0"><div class="css-175oi2r">' +
      '<article aria-labelledby="id__' + t.rest_id + '" role="article" tabindex="' + (focal ? "-1" : "0") + '" class="css-175oi2r r-18u37iz r-1udh08x r-1c4vpko" data-testid="tweet">' +
      '<div class="css-175oi2r r-eqz5dr r-16y2uox r-1wbh5a2"><div class="css-175oi2r r-18u37iz"><div class="css-175oi2r r-18kxxzh" data-testid="Tweet-User-Avatar"><a href="/' + esc(u.core.screen_name) + '" aria-hidden="true" role="link" tabindex="-1"><img alt="" src="https://pbs.twimg.com/profile_images/1/' + esc(u.rest_id) + '_bigger.jpg"></a></div>' +
      '<div class="css-175oi2r r-1iusvr4 r-16y2uox">' + userName(u, t, focal) +
      '<div class="css-175oi2r"><div dir="auto" lang="ko" class="css-146c3p1 r-bcqeeo" id="id__' + t.rest_id + '" data-testid="tweetText"><span class="css-1jxf684">' + esc(t.legacy.full_text).replace(/\n/g, "<br>") + '</span></div></div>' +
      // A reply's "더 보기" opens that reply's own page in the app, in place of the post.
      (focal ? "" : '<span data-testid="tweet-text-show-more-link" role="link" tabindex="0" class="css-1jxf684" data-id="' + t.rest_id + '" data-user="' + esc(u.core.screen_name) + '">더 보기</span>') +
      media(t) +
      (focal ? '<div class="css-175oi2r r-1r5su4o"><div class="css-175oi2r r-1d09ksm r-18u37iz r-1wbh5a2"><a href="/' + esc(u.core.screen_name) + "/status/" + t.rest_id + '" dir="ltr" aria-label="' + esc(time) + '" role="link"><time datetime="' + esc(time) + '">' + esc(shortDate(time)) + "</time></a></div></div>" : "") +
      counts(t) + "</div></div></div></article></div></div></div>";
  }

  function shell(inner) {
    const nav = loggedIn
      ? '<header role="banner"><nav aria-label="기본" role="navigation"><a href="/home" aria-label="홈" role="link" data-testid="AppTabBar_Home_Link">홈</a><a href="/explore" data-testid="AppTabBar_Explore_Link">탐색하기</a><a href="/me" aria-label="프로필" role="link" data-testid="AppTabBar_Profile_Link">프로필</a></nav><button data-testid="SideNav_AccountSwitcher_Button" aria-label="계정 메뉴" type="button">계정</button></header>'
      : '<header role="banner"><a href="/" aria-label="X" role="link">X</a></header>';
    const bottom = loggedIn ? "" : '<div data-testid="BottomBar"><span>놓치고 있는 소식을 확인하세요</span> <a href="/login" role="link" data-testid="loginButton"><span>로그인</span></a> <a href="/i/flow/signup" role="link" data-testid="signupButton"><span>가입하기</span></a></div>';
    root.innerHTML = nav + '<main role="main"><div data-testid="primaryColumn"><div aria-label="홈 타임라인"><h2 role="heading" aria-level="2">게시물</h2>' + inner + "</div></div></main>" + bottom;
  }

  function conversation(cells) {
    return '<section aria-labelledby="accessible-list-1" role="region"><h1 id="accessible-list-1" role="heading" aria-level="1">대화</h1><div aria-label="타임라인: 대화"><div style="position:relative">' + cells + "</div></div></section>";
  }

  function missing() {
    shell('<div class="css-175oi2r"><span>Hmm...this page doesn’t exist. Try searching for something else.</span><a href="/explore" role="link"><span>Search</span></a></div>');
  }

  function tombstone(text) {
    return '<div data-testid="cellInnerDiv"><div class="css-175oi2r"><div data-testid="tombstone"><span>' + esc(text.replace(/\s*Learn more$/, "")) + ' </span><a href="https://help.x.com/rules-and-policies/notices-on-x" role="link">Learn more</a></div></div></div>';
  }

  function render(d) {
    const data = d.data || {};
    if (loggedIn) {
      const tc = data.threaded_conversation_with_injections_v2;
      if (!tc) return missing();
      let cells = "";
      for (const ins of tc.instructions) {
        for (const e of ins.entries || []) {
          const items = e.content.items ? e.content.items.map(i => i.item.itemContent) : e.content.itemContent ? [e.content.itemContent] : [];
          for (const ic of items) {
            const r = ic.tweet_results && ic.tweet_results.result;
            if (!r) continue;
            if (r.__typename === "TweetTombstone") { cells += tombstone(r.tombstone.text.text); continue; }
            cells += article(r.tweet || r, r.rest_id === m[2]);
          }
        }
      }
      shell(conversation(cells));
    } else {
      const r = data.tweetResult && data.tweetResult.result;
      if (!r) return missing();
      if (r.__typename === "TweetTombstone") return shell(conversation(tombstone(r.tombstone.text.text)));
      shell(conversation(article(r.tweet || r, true)));
    }
    const focal = document.querySelector('article[tabindex="-1"] [data-testid="tweetText"]');
    if (focal) document.title = document.querySelector('article[tabindex="-1"] [data-testid="User-Name"] a span span').textContent + ' 님: "' + focal.textContent + '" / X';
  }

  document.addEventListener("click", e => {
    const more = e.target.closest('[data-testid="tweet-text-show-more-link"]');
    if (more) {
      history.pushState({}, "", "/" + more.getAttribute("data-user") + "/status/" + more.getAttribute("data-id"));
      root.innerHTML = '<main role="main"><div data-testid="primaryColumn"><span>게시물을 불러오는 중</span></div></main>';
      return;
    }
    const b = e.target.closest('div.sensitive > div[role="button"]');
    if (b) { const box = b.parentElement; box.outerHTML = box.getAttribute("data-photo"); return; }
    const act = e.target.closest('[data-testid="like"], [data-testid="retweet"], [data-testid="reply"], [data-testid="bookmark"]');
    if (act) fetch("/i/api/graphql/lI07N6Otwv1PhnEgXILM7A/" + {like: "FavoriteTweet", retweet: "CreateRetweet", reply: "CreateTweet", bookmark: "CreateBookmark"}[act.getAttribute("data-testid")], {method: "POST", credentials: "include"});
  });

  if (!m) return missing();
  const features = {"responsive_web_graphql_exclude_directive_enabled": true, "view_counts_everywhere_api_enabled": true, "longform_notetweets_consumption_enabled": true};
  const q = loggedIn
    ? "/i/api/graphql/nBS-WpgA6ZG0CyNHD517JQ/TweetDetail?variables=" + encodeURIComponent(JSON.stringify({focalTweetId: m[2], with_rux_injections: false, includePromotedContent: true, withCommunity: true, withVoice: true})) + "&features=" + encodeURIComponent(JSON.stringify(features))
    : "/i/api/graphql/2ICDjqPd81tulZcYrtpTuQ/TweetResultByRestId?variables=" + encodeURIComponent(JSON.stringify({tweetId: m[2], withCommunity: false, includePromotedContent: false, withVoice: false})) + "&features=" + encodeURIComponent(JSON.stringify(features));
  const headers = {"authorization": "Bearer FIXTURE-WEB-APP-BEARER", "x-twitter-active-user": "yes", "x-twitter-client-language": "ko"};
  if (loggedIn) headers["x-csrf-token"] = "fixture-ct0"; else headers["x-guest-token"] = "1795000000000000000";
  fetch(q, {headers, credentials: "include"}).then(r => r.json()).then(render, missing);
})();
