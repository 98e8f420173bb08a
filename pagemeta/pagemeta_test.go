package pagemeta

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"evidentia/evidence"
)

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExtractFixtures(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		pageURL string
		want    evidence.Metadata
	}{
		{
			name:    "korean news article with JSON-LD @graph",
			file:    "news_graph.html",
			pageURL: "https://www.hanbit-news.example/news/articleView.html?idxno=123456&sc=1",
			want: evidence.Metadata{
				// The headline has a raw line break inside the JSON string; it is tolerated
				// and collapsed.
				Title: "서울시, 지하철·버스 요금 150원 인상 확정",
				// The first author is an @id reference to a Person elsewhere in the graph.
				Author:        "김철수, 이영희",
				SiteName:      "한빛일보",
				Lang:          "ko",
				PublishedTime: "2024-03-05T14:22:10+09:00",
				ModifiedTime:  "2024-03-05T16:01:00+09:00",
				Description:   "서울시가 지하철과 버스 기본요금을 150원 인상하기로 확정했다.",
				// Relative, resolved against <base href>.
				CanonicalURL: "https://www.hanbit-news.example/news/articleView.html?idxno=123456",
				Keywords:     "서울시,대중교통,요금",
				Type:         "NewsArticle",
				Image:        "https://www.hanbit-news.example/photos/2024/03/bus.jpg",
				PostIDs:      map[string]string{"identifier": "123456", "dable:item_id": "123456", "idxno": "123456"},
				PublishedUTC: "2024-03-05T05:22:10Z",
				PublishedKST: "2024-03-05T14:22:10+09:00",
				ModifiedUTC:  "2024-03-05T07:01:00Z",
				ModifiedKST:  "2024-03-05T16:01:00+09:00",
				Sources: map[string]string{
					"title":                  "json-ld:NewsArticle.headline",
					"author":                 "json-ld:NewsArticle.author.name",
					"site_name":              "og:site_name",
					"lang":                   "html:lang",
					"published_time":         "json-ld:NewsArticle.datePublished",
					"published_utc":          "published_time",
					"published_kst":          "published_time",
					"modified_time":          "json-ld:NewsArticle.dateModified",
					"modified_utc":           "modified_time",
					"modified_kst":           "modified_time",
					"description":            "json-ld:NewsArticle.description",
					"canonical_url":          "link:canonical",
					"keywords":               "meta:keywords",
					"type":                   "json-ld:NewsArticle.@type",
					"image":                  "og:image",
					"post_ids.identifier":    "json-ld:NewsArticle.identifier",
					"post_ids.dable:item_id": "dable:item_id",
					"post_ids.idxno":         "link:canonical:query.idxno",
				},
			},
		},
		{
			name:    "blog with OpenGraph only",
			file:    "blog_og.html",
			pageURL: "https://blog.naver.com/PostView.naver?blogId=travelcat&logNo=223456789012",
			want: evidence.Metadata{
				Title: "제주도 3박4일 여행기 (1일차)",
				// article:author is a profile URL and is not taken as a name.
				Author:       "@travelcat",
				SiteName:     "네이버 블로그 | 여행하는 고양이",
				Lang:         "ko-KR",
				Description:  "비행기 타고 제주도 도착!",
				CanonicalURL: "https://blog.naver.com/travelcat/223456789012",
				Type:         "article",
				Image:        "https://blogthumb.pstatic.example/20240305_1/IMG_0001.jpg",
				PostIDs:      map[string]string{"blogId": "travelcat", "logNo": "223456789012"},
				Sources: map[string]string{
					"title":           "og:title",
					"author":          "twitter:creator",
					"site_name":       "og:site_name",
					"lang":            "og:locale",
					"description":     "og:description",
					"canonical_url":   "og:url",
					"type":            "og:type",
					"image":           "og:image",
					"post_ids.blogId": "og:url:path",
					"post_ids.logNo":  "og:url:path",
				},
			},
		},
		{
			name:    "microdata article with a comment",
			file:    "microdata.html",
			pageURL: "https://petmag.example/guide/walk",
			want: evidence.Metadata{
				// <title> comes before microdata.
				Title: "반려견 산책 가이드 - 펫매거진",
				// The comment's author is not the article's.
				Author:        "박지민",
				SiteName:      "펫매거진",
				Lang:          "ko-KR",
				PublishedTime: "2024-03-05T09:00:00+09:00",
				ModifiedTime:  "2024-03-06 10:30",
				PublishedUTC:  "2024-03-05T00:00:00Z",
				PublishedKST:  "2024-03-05T09:00:00+09:00",
				ModifiedUTC:   "2024-03-06T01:30:00Z",
				ModifiedKST:   "2024-03-06T10:30:00+09:00",
				Sources: map[string]string{
					"title":          "html:title",
					"author":         "microdata:BlogPosting.author.name",
					"site_name":      "microdata:BlogPosting.publisher.name",
					"lang":           "html:lang",
					"published_time": "microdata:BlogPosting.datePublished",
					"published_utc":  "published_time",
					"published_kst":  "published_time",
					"modified_time":  "microdata:BlogPosting.dateModified",
					"modified_utc":   "modified_time; " + AssumedKST,
					"modified_kst":   "modified_time; " + AssumedKST,
				},
			},
		},
		{
			name:    "visible byline only",
			file:    "byline_only.html",
			pageURL: "https://local.example/bbs/board.php?bo_table=news&wr_id=42",
			want: evidence.Metadata{
				Title:         "지역 축제 성황리에 마무리",
				Author:        "김철수 기자",
				PublishedTime: "2024.03.05 14:22",
				PublishedUTC:  "2024-03-05T05:22:00Z",
				PublishedKST:  "2024-03-05T14:22:00+09:00",
				PostIDs:       map[string]string{"wr_id": "42"},
				Sources: map[string]string{
					"title":          "html:title",
					"author":         "byline:span.byline",
					"published_time": "text:입력",
					"published_utc":  "published_time; " + AssumedKST,
					"published_kst":  "published_time; " + AssumedKST,
					"post_ids.wr_id": "url:query.wr_id",
				},
			},
		},
		{
			name:    "conflicting sources follow the precedence",
			file:    "conflict.html",
			pageURL: "https://news.example.kr/article/777",
			want: evidence.Metadata{
				// JSON-LD article > og:title > twitter:title > <title>.
				Title: "JSON-LD 제목",
				// article:author is a URL (skipped); dable:author > meta author > DC.creator >
				// visible byline.
				Author: "박기자",
				// No og:site_name: the JSON-LD publisher.
				SiteName: "예시뉴스(주)",
				Lang:     "ko",
				// JSON-LD datePublished > article:published_time > DC.date.
				PublishedTime: "2024-03-05T07:00:00+09:00",
				// article:modified_time does not parse, so og:updated_time is used.
				ModifiedTime: "2024-03-05T10:00:00Z",
				// og:description > meta description.
				Description: "OG 설명",
				// <link rel=canonical> > og:url.
				CanonicalURL: "https://news.example.kr/article/2024/03/05/777",
				Type:         "NewsArticle",
				PublishedUTC: "2024-03-04T22:00:00Z",
				PublishedKST: "2024-03-05T07:00:00+09:00",
				ModifiedUTC:  "2024-03-05T10:00:00Z",
				ModifiedKST:  "2024-03-05T19:00:00+09:00",
				Sources: map[string]string{
					"title":          "json-ld:NewsArticle.headline",
					"author":         "dable:author",
					"site_name":      "json-ld:NewsArticle.publisher.name",
					"lang":           "html:lang",
					"published_time": "json-ld:NewsArticle.datePublished",
					"published_utc":  "published_time",
					"published_kst":  "published_time",
					"modified_time":  "og:updated_time",
					"modified_utc":   "modified_time",
					"modified_kst":   "modified_time",
					"description":    "og:description",
					"canonical_url":  "link:canonical",
					"type":           "json-ld:NewsArticle.@type",
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(fixture(t, tt.file), tt.pageURL)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Extract mismatch\n%s", diffMetadata(got, tt.want))
			}
		})
	}
}

// diffMetadata lists the fields of got and want that differ.
func diffMetadata(got, want evidence.Metadata) string {
	var b strings.Builder
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if gm, ok := g.(map[string]string); ok {
			wm := w.(map[string]string)
			for k, v := range gm {
				if wm[k] != v {
					b.WriteString("  " + name + "[" + k + "]: got " + quoteQ(v) + ", want " + quoteQ(wm[k]) + "\n")
				}
			}
			for k, v := range wm {
				if _, ok := gm[k]; !ok {
					b.WriteString("  " + name + "[" + k + "]: missing, want " + quoteQ(v) + "\n")
				}
			}
			if (gm == nil) != (wm == nil) && len(gm) == 0 && len(wm) == 0 {
				b.WriteString("  " + name + ": nil versus empty map\n")
			}
			continue
		}
		if !reflect.DeepEqual(g, w) {
			b.WriteString("  " + name + ": got " + quoteQ(g.(string)) + ", want " + quoteQ(w.(string)) + "\n")
		}
	}
	return b.String()
}

func quoteQ(s string) string { return `"` + s + `"` }

// TestExtractCases covers single behaviours with small documents.
func TestExtractCases(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		pageURL string
		// want holds the fields to check, by their JSON name, and "src:<field>" for Sources.
		want map[string]string
	}{
		{
			name: "empty document",
			doc:  "",
			want: map[string]string{"title": "", "author": ""},
		},
		{
			name: "not HTML at all",
			doc:  "\x00\xff{]<<<>>>",
			want: map[string]string{"title": ""},
		},
		{
			name:    "relative canonical resolved against the page URL",
			doc:     `<link rel="canonical" href="../b/page?id=3">`,
			pageURL: "https://example.com/a/x/index.html",
			want:    map[string]string{"canonical_url": "https://example.com/a/b/page?id=3", "src:canonical_url": "link:canonical"},
		},
		{
			name: "absolute base href without a page URL",
			doc:  `<base href="https://example.com/dir/"><link rel="canonical" href="page.html">`,
			want: map[string]string{"canonical_url": "https://example.com/dir/page.html"},
		},
		{
			name: "relative canonical without a page URL is dropped",
			doc:  `<link rel="canonical" href="/x"><meta property="og:url" content="https://example.com/x">`,
			want: map[string]string{"canonical_url": "https://example.com/x", "src:canonical_url": "og:url"},
		},
		{
			name:    "javascript canonical refused",
			doc:     `<link rel="canonical" href="javascript:alert(1)">`,
			pageURL: "https://example.com/",
			want:    map[string]string{"canonical_url": ""},
		},
		{
			name: "rel list containing canonical",
			doc:  `<link rel="alternate CANONICAL" href="https://example.com/c">`,
			want: map[string]string{"canonical_url": "https://example.com/c"},
		},
		{
			name: "title whitespace collapsed, svg title ignored",
			doc:  "<html><head><title>\n  A \t  B\u00a0 C  </title></head><body><svg><title>icon</title></svg></body></html>",
			want: map[string]string{"title": "A B C", "src:title": "html:title"},
		},
		{
			name: "svg title alone is not the page title",
			doc:  "<body><svg><title>icon</title></svg></body>",
			want: map[string]string{"title": ""},
		},
		{
			name: "multiple article:author names joined",
			doc:  `<meta property="article:author" content="김철수"><meta property="article:author" content="이영희"><meta property="article:author" content="김철수">`,
			want: map[string]string{"author": "김철수, 이영희", "src:author": "article:author"},
		},
		{
			name: "meta by for Korean portals",
			doc:  `<meta name="by" content="홍길동">`,
			want: map[string]string{"author": "홍길동", "src:author": "meta:by"},
		},
		{
			name: "Dublin Core",
			doc:  `<meta name="DC.creator" content="Kim"><meta name="DC.date" content="2024-03-05">`,
			want: map[string]string{
				"author": "Kim", "src:author": "DC.creator",
				"published_time": "2024-03-05", "published_utc": "2024-03-04T15:00:00Z",
				"published_kst":     "2024-03-05T00:00:00+09:00",
				"src:published_utc": "published_time; " + AssumedMidnightKST,
			},
		},
		{
			name: "Daum og:regDate",
			doc:  `<meta property="og:regDate" content="20240305142201"><meta property="og:url" content="https://v.daum.net/v/20240305142201234">`,
			want: map[string]string{
				"published_time": "20240305142201", "published_kst": "2024-03-05T14:22:01+09:00",
				"src:published_time": "og:regDate", "post_ids.daumArticleId": "20240305142201234",
			},
		},
		{
			name: "http-equiv content-language",
			doc:  `<meta http-equiv="Content-Language" content="ko, en">`,
			want: map[string]string{"lang": "ko", "src:lang": "meta:content-language"},
		},
		{
			name: "JSON-LD social media posting with identifiers",
			doc: `<script type="application/ld+json">{"@context":"https://schema.org","@type":"SocialMediaPosting",
				"headline":"오늘의 일기","author":{"@type":"Person","name":"홍길동","alternateName":"@hong"},
				"datePublished":"2024-03-05T05:22:00Z","url":"https://x.com/hong/status/1765000000000000001",
				"identifier":[{"@type":"PropertyValue","propertyID":"tweetId","value":"1765000000000000001"},"abc-1"]}</script>`,
			want: map[string]string{
				"title": "오늘의 일기", "author": "홍길동", "src:author": "json-ld:SocialMediaPosting.author.name",
				"published_kst": "2024-03-05T14:22:00+09:00", "canonical_url": "https://x.com/hong/status/1765000000000000001",
				"post_ids.tweetId": "1765000000000000001", "post_ids.identifier": "abc-1",
				"post_ids.status": "1765000000000000001", "post_ids.user": "hong",
				"src:post_ids.status": "json-ld:SocialMediaPosting.url:path",
			},
		},
		{
			name: "JSON-LD forum post: comments are not the post",
			doc: `<script type="application/ld+json">{"@type":"DiscussionForumPosting","headline":"질문 있습니다",
				"author":{"name":"질문자"},"comment":[{"@type":"Comment","author":{"name":"답변자"},"text":"답"}]}</script>`,
			want: map[string]string{"title": "질문 있습니다", "author": "질문자", "type": "DiscussionForumPosting"},
		},
		{
			name: "JSON-LD comment used when nothing else",
			doc:  `<script type="application/ld+json">{"@type":"Comment","author":"댓글러","dateCreated":"2024-03-05 01:02:03"}</script>`,
			want: map[string]string{"author": "댓글러", "published_time": "2024-03-05 01:02:03", "src:published_time": "json-ld:Comment.dateCreated"},
		},
		{
			name: "JSON-LD type as URL and array, mainEntity of a page",
			doc: `<script type="application/ld+json">{"@type":"WebPage","name":"페이지","mainEntity":
				{"@type":["CreativeWork","http://schema.org/BlogPosting"],"headline":"글 제목"}}</script>`,
			want: map[string]string{"title": "글 제목", "src:title": "json-ld:BlogPosting.headline", "type": "BlogPosting"},
		},
		{
			name: "JSON-LD page only is below OpenGraph",
			doc: `<meta property="og:title" content="OG"><script type="application/ld+json">
				{"@type":"WebPage","name":"페이지","description":"설명"}</script>`,
			want: map[string]string{"title": "OG", "description": "설명", "src:description": "json-ld:WebPage.description"},
		},
		{
			name: "broken JSON-LD ignored, next script used",
			doc: `<script type="application/ld+json">{"@type":"NewsArticle","headline":</script>
				<script type="application/ld+json; charset=utf-8"><!-- {"@type":"Article","headline":"둘째"} --></script>`,
			want: map[string]string{"title": "둘째"},
		},
		{
			name: "JSON-LD values separated by semicolons",
			doc:  `<script type="application/ld+json">{"@type":"Organization","name":"x"};{"@type":"Article","headline":"세미콜론"};</script>`,
			want: map[string]string{"title": "세미콜론"},
		},
		{
			name: "JSON-LD image object and keywords array",
			doc: `<script type="application/ld+json">{"@type":"Article","image":[{"@type":"ImageObject","url":"/img/a.jpg"}],
				"keywords":["가","나"],"inLanguage":"ko"}</script>`,
			pageURL: "https://example.com/post/1",
			want:    map[string]string{"image": "https://example.com/img/a.jpg", "keywords": "가, 나", "lang": "ko", "src:lang": "json-ld:Article.inLanguage"},
		},
		{
			name: "unparseable time kept as shown",
			doc:  `<meta property="article:published_time" content="지난주 화요일">`,
			want: map[string]string{"published_time": "지난주 화요일", "published_utc": "", "src:published_time": "article:published_time (not a recognised time)"},
		},
		{
			name: "microdata time outside any item",
			doc:  `<body><p>게시: <time itemprop="datePublished" datetime="2024-03-05T14:22+09:00">어제</time></p></body>`,
			want: map[string]string{"published_utc": "2024-03-05T05:22:00Z", "src:published_time": "microdata:datePublished"},
		},
		{
			name: "rel=author link",
			doc:  `<body><p>By <a rel="author" href="/u/jane">Jane Doe</a></p></body>`,
			want: map[string]string{"author": "Jane Doe", "src:author": "byline:a[rel=author]"},
		},
		{
			name: "byline with By prefix",
			doc:  `<body><div id="article-byline">By  John Smith</div></body>`,
			want: map[string]string{"author": "John Smith", "src:author": "byline:div#article-byline"},
		},
		{
			name: "author class inside comments ignored",
			doc:  `<body><div id="comments"><span class="author">악플러</span></div><span class="writer">작성자 : 홍길동</span></body>`,
			want: map[string]string{"author": "홍길동", "src:author": "byline:span.writer"},
		},
		{
			name: "authorize is not an author",
			doc:  `<body><button class="btn-authorize">로그인</button></body>`,
			want: map[string]string{"author": ""},
		},
		{
			name: "too long author block skipped, inner name used",
			doc: `<body><div class="author-box"><span class="author-name">이영희</span><p>` +
				strings.Repeat("소개글 ", 40) + `</p></div></body>`,
			want: map[string]string{"author": "이영희", "src:author": "byline:span.author-name"},
		},
		{
			name: "address inside article",
			doc:  `<body><footer><address>서울특별시 중구 세종대로 1</address></footer><article><address>기고: 박민수</address></article></body>`,
			want: map[string]string{"author": "기고: 박민수", "src:author": "byline:address"},
		},
		{
			name: "Korean reporter pattern in text",
			doc:  `<body><p>(서울=한빛일보) 정다은 기자 = 오늘 서울에서 ...</p><p>사진 기자가 촬영</p></body>`,
			want: map[string]string{"author": "정다은 기자", "src:author": "byline:text(기자)"},
		},
		{
			name: "Korean labelled writer in text",
			doc:  `<body><table><tr><td>글쓴이</td><td>바람돌이</td></tr><tr><td>작성일</td><td>2024.03.05 13:00</td></tr></table></body>`,
			want: map[string]string{"author": "바람돌이", "src:author": "byline:text(글쓴이)", "published_time": "2024.03.05 13:00", "src:published_time": "text:작성일"},
		},
		{
			name: "Naver-style visible times",
			doc:  `<body><span>입력</span><span>2024.03.05. 오후 2:22</span><span>수정</span><span>2024.03.05. 오후 4:01</span></body>`,
			want: map[string]string{
				"published_kst": "2024-03-05T14:22:00+09:00", "modified_kst": "2024-03-05T16:01:00+09:00",
				"src:modified_time": "text:수정",
			},
		},
		{
			name:    "post IDs from the page URL, canonical first",
			doc:     `<link rel="canonical" href="https://n.news.naver.com/mnews/article/001/0014567890">`,
			pageURL: "https://n.news.naver.com/mnews/article/001/0014567890?sid=102&aid=9999999999",
			want: map[string]string{
				"post_ids.oid": "001", "post_ids.aid": "0014567890", "src:post_ids.aid": "link:canonical:path",
			},
		},
		{
			name:    "YouTube watch URL",
			doc:     `<meta property="og:url" content="https://www.youtube.com/watch?v=dQw4w9WgXcQ">`,
			pageURL: "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s",
			want:    map[string]string{"post_ids.v": "dQw4w9WgXcQ", "src:post_ids.v": "og:url:query.v"},
		},
		{
			name:    "query parameter names keep their case",
			doc:     ``,
			pageURL: "https://cafe.example.com/ArticleRead.nhn?clubid=123&articleId=456&commentId=789&page=2",
			want:    map[string]string{"post_ids.clubid": "123", "post_ids.articleId": "456", "post_ids.commentId": "789", "post_ids.page": ""},
		},
		{
			name: "document nested deeper than the HTML parser allows",
			doc: `<html><head><title>깊은 문서</title><script type="application/ld+json">{"@type":"Article","headline":"깊은 \"글\""}</script>` +
				`</head><body>` + strings.Repeat("<div>", 3000) + `<span class="byline">최민 기자</span>` + strings.Repeat("</div>", 3000) + `</body></html>`,
			want: map[string]string{"title": "깊은 \"글\"", "author": "최민 기자"},
		},
		{
			name: "control and zero-width characters removed",
			doc:  "<title>제\u200b목\u0007 입니다</title>",
			want: map[string]string{"title": "제목 입니다"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := Extract(tt.doc, tt.pageURL)
			for k, want := range tt.want {
				if got := metadataField(md, k); got != want {
					t.Errorf("%s = %q; want %q (sources %v)", k, got, want, md.Sources)
				}
			}
		})
	}
}

// metadataField returns a field of md by its JSON name, "src:<key>" for Sources or
// "post_ids.<key>" for PostIDs.
func metadataField(md evidence.Metadata, name string) string {
	if k, ok := strings.CutPrefix(name, "src:"); ok {
		return md.Sources[k]
	}
	if k, ok := strings.CutPrefix(name, "post_ids."); ok {
		return md.PostIDs[k]
	}
	switch name {
	case "title":
		return md.Title
	case "author":
		return md.Author
	case "site_name":
		return md.SiteName
	case "lang":
		return md.Lang
	case "published_time":
		return md.PublishedTime
	case "modified_time":
		return md.ModifiedTime
	case "description":
		return md.Description
	case "canonical_url":
		return md.CanonicalURL
	case "keywords":
		return md.Keywords
	case "type":
		return md.Type
	case "image":
		return md.Image
	case "published_utc":
		return md.PublishedUTC
	case "published_kst":
		return md.PublishedKST
	case "modified_utc":
		return md.ModifiedUTC
	case "modified_kst":
		return md.ModifiedKST
	}
	panic("unknown field " + name)
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in         string
		utc        string // "" when the input must be refused
		assumption string
	}{
		// ISO 8601 / RFC 3339.
		{"2024-03-05T14:22:10+09:00", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05T14:22:10.123+09:00", "2024-03-05T05:22:10.123Z", ""},
		{"2024-03-05T05:22:10Z", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05T05:22:10z", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05T14:22:10+0900", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05T14:22:10+09", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05T14:22+09:00", "2024-03-05T05:22:00Z", ""},
		{"2024-03-04T21:22:10-08:00", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05T14:22:10", "2024-03-05T05:22:10Z", AssumedKST},
		{"2024-03-05", "2024-03-04T15:00:00Z", AssumedMidnightKST},
		{"20240305T142210+0900", "2024-03-05T05:22:10Z", ""},
		{"20240305T052210Z", "2024-03-05T05:22:10Z", ""},
		// Space-separated and dotted forms.
		{"2024-03-05 14:22:10", "2024-03-05T05:22:10Z", AssumedKST},
		{"2024-03-05 14:22", "2024-03-05T05:22:00Z", AssumedKST},
		{"2024-03-05 14:22:10 +0900", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05 14:22:10 KST", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05 05:22:10 UTC", "2024-03-05T05:22:10Z", ""},
		{"2024-03-05 14:22 GMT+9", "2024-03-05T05:22:00Z", ""},
		{"2024.03.05 14:22", "2024-03-05T05:22:00Z", AssumedKST},
		{"2024.03.05. 14:22", "2024-03-05T05:22:00Z", AssumedKST},
		{"2024.3.5", "2024-03-04T15:00:00Z", AssumedMidnightKST},
		{"2024/03/05 14:22:10", "2024-03-05T05:22:10Z", AssumedKST},
		{"2024.03.05(화) 14:22", "2024-03-05T05:22:00Z", AssumedKST},
		// Korean forms.
		{"2024년 3월 5일 오후 2:22", "2024-03-05T05:22:00Z", AssumedKST},
		{"2024년 3월 5일 오전 9:05", "2024-03-05T00:05:00Z", AssumedKST},
		{"2024년 3월 5일 오후 12:10", "2024-03-05T03:10:00Z", AssumedKST},
		{"2024년 3월 5일 오전 12:10", "2024-03-04T15:10:00Z", AssumedKST},
		{"2024년 03월 05일 14시 22분", "2024-03-05T05:22:00Z", AssumedKST},
		{"2024년 03월 05일 14시 22분 10초", "2024-03-05T05:22:10Z", AssumedKST},
		{"2024년 3월 5일 화요일 오후 2:22", "2024-03-05T05:22:00Z", AssumedKST},
		{"2024. 3. 5. 오후 2:22:10", "2024-03-05T05:22:10Z", AssumedKST},
		{"2024년 3월 5일", "2024-03-04T15:00:00Z", AssumedMidnightKST},
		{"2024-03-05 2:22 PM", "2024-03-05T05:22:00Z", AssumedKST},
		// Compact and mail forms.
		{"20240305142201", "2024-03-05T05:22:01Z", AssumedKST},
		{"202403051422", "2024-03-05T05:22:00Z", AssumedKST},
		{"20240305", "2024-03-04T15:00:00Z", AssumedMidnightKST},
		{"Tue, 05 Mar 2024 14:22:10 +0900", "2024-03-05T05:22:10Z", ""},
		{"Tue, 05 Mar 2024 05:22:10 GMT", "2024-03-05T05:22:10Z", ""},
		{"5 March 2024 14:22", "2024-03-05T05:22:00Z", AssumedKST},
		// Surrounding white space.
		{"  2024-03-05T14:22:10+09:00\n", "2024-03-05T05:22:10Z", ""},

		// Refused.
		{"", "", ""},
		{"어제", "", ""},
		{"3시간 전", "", ""},
		{"2024-02-30", "", ""},
		{"2023-02-29 10:00", "", ""},
		{"2024-13-01", "", ""},
		{"2024-03-05 24:00", "", ""},
		{"2024-03-05 14:60", "", ""},
		{"2024-03-05 오후 13:00", "", ""},
		{"2024-03-05 오후 2:22 PM", "", ""},
		{"2024-03-05T14:22:10+15:00", "", ""},
		{"2024-03-05T14:22:10 PST", "", ""},
		{"Tue, 05 Foo 2024 14:22:10 +0900", "", ""},
		{"1709616130", "", ""},
		{"2024-03-05T14:22:10+09:00 and more", "", ""},
	}
	for _, tt := range tests {
		tm, assumption, ok := ParseTime(tt.in)
		if tt.utc == "" {
			if ok {
				t.Errorf("ParseTime(%q) = %v, %q; want refusal", tt.in, tm, assumption)
			}
			continue
		}
		if !ok {
			t.Errorf("ParseTime(%q) refused; want %s", tt.in, tt.utc)
			continue
		}
		if got := tm.UTC().Format(rfc3339); got != tt.utc || assumption != tt.assumption {
			t.Errorf("ParseTime(%q) = %s, %q; want %s, %q", tt.in, got, assumption, tt.utc, tt.assumption)
		}
	}
}

func TestKSTFormat(t *testing.T) {
	md := Extract(`<meta property="article:published_time" content="2024-12-31T20:30:00Z">`, "")
	if md.PublishedUTC != "2024-12-31T20:30:00Z" || md.PublishedKST != "2025-01-01T05:30:00+09:00" {
		t.Errorf("got UTC %q, KST %q", md.PublishedUTC, md.PublishedKST)
	}
	for _, s := range []string{md.PublishedUTC, md.PublishedKST} {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%q is not RFC 3339: %v", s, err)
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, name := range []string{"news_graph.html", "blog_og.html", "microdata.html", "byline_only.html", "conflict.html"} {
		f.Add(fixture(f, name), "https://example.com/a?no=1")
	}
	f.Add(`<script type="application/ld+json">{"@graph":[{"@id":"a","author":{"@id":"a"}},{"@type":"Article","author":{"@id":"a"}}]}</script>`, "")
	f.Add(`<div itemscope><div itemprop="author" itemscope><span itemprop="name">x</span></div></div>`, "::bad url")
	f.Add("<html lang=\xff><title>\x00</title><p>입력 2024.99.99 99:99</p>", "http://[::1")
	f.Fuzz(func(t *testing.T, doc, pageURL string) {
		md := Extract(doc, pageURL)
		fields := map[string]string{
			"title": md.Title, "author": md.Author, "site_name": md.SiteName, "lang": md.Lang,
			"published_time": md.PublishedTime, "modified_time": md.ModifiedTime,
			"description": md.Description, "canonical_url": md.CanonicalURL,
			"keywords": md.Keywords, "type": md.Type, "image": md.Image,
			"published_utc": md.PublishedUTC, "published_kst": md.PublishedKST,
			"modified_utc": md.ModifiedUTC, "modified_kst": md.ModifiedKST,
		}
		for k, v := range md.PostIDs {
			fields["post_ids."+k] = v
		}
		for k, v := range fields {
			if v == "" {
				continue
			}
			if !utf8.ValidString(v) || strings.TrimSpace(v) != v {
				t.Fatalf("%s = %q: not clean text", k, v)
			}
			if md.Sources[k] == "" {
				t.Fatalf("%s = %q has no source", k, v)
			}
		}
		for _, k := range []string{"published_utc", "modified_utc"} {
			if v := fields[k]; v != "" {
				if _, err := time.Parse(time.RFC3339, v); err != nil || !strings.HasSuffix(v, "Z") {
					t.Fatalf("%s = %q is not RFC 3339 UTC", k, v)
				}
			}
		}
		for _, k := range []string{"published_kst", "modified_kst"} {
			if v := fields[k]; v != "" && !strings.HasSuffix(v, "+09:00") {
				t.Fatalf("%s = %q is not at +09:00", k, v)
			}
		}
	})
}
