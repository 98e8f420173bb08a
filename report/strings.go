package report

import (
	"evidentia/evidence"
	"evidentia/pagemeta"
)

// texts holds every string the report prints, in one language. Every field must be set in
// every language (TestTextsComplete checks): a report never mixes languages in its own words.
// Fields holding a format have the verbs documented beside them.
type texts struct {
	Title        string
	HeaderTitle  string
	CoverIntro   string
	CoverCaseHdr string
	CoverRptHdr  string

	CaseName        string
	CaseNumber      string
	CaseDescription string
	LawArticle      string
	ReportID        string
	GeneratedKST    string
	GeneratedUTC    string
	Operator        string
	Unit            string
	AppVersion      string
	AppSHA256       string
	CaptureCount    string
	CaptureCountFmt string // %d total, %d complete, %d partial, %d failed
	VolumeLabel     string
	VolumeFmt       string // %d volume, %d of, %d first, %d last, %d total
	Signature       string
	SignedBy        string // %s signer
	NotSigned       string
	SignedNote      string
	UnsignedNote    string

	SummaryTitle string
	ColNo        string
	ColCaptured  string
	ColSite      string
	ColTitle     string
	ColStatus    string
	Untitled     string

	StatusComplete string
	StatusPartial  string
	StatusFailed   string

	// The completeness verdict (evidence.Completeness), shown only for captures that have one:
	// the verdicts and reasons in plain words come from package evidence (Verdict.Text,
	// Reason.Text in LangCode), the one place that words them.
	LangCode        string // the language code evidence's texts take: "ko", "en"
	Completeness    string
	NotWholeFmt     string // %d captures whose posting was not captured in full
	VerdictUnknown  string // %s the verdict as recorded
	ReasonUnknown   string // %s the reason code as recorded
	ReasonMatched   string // %s the reason's detail (may quote the page), escaped
	CommentsCount   string // %[1]s comments captured, %[2]s comments the page states
	CommentsNoCount string // %s comments captured

	CaptureHeading string // %d number, %d total
	Identification string
	CaptureID      string
	Status         string
	Reason         string
	RequestedURL   string
	FinalURL       string
	CanonicalURL   string
	PageTitle      string
	Author         string
	Host           string // the host of the final URL, as observed
	SiteName       string
	Published      string
	Modified       string
	AsGiven        string // %s the value as the page gave it
	Language       string
	Description    string
	PostIDs        string
	// The page's claims: set from package pagemeta, the one place that words them.
	ClaimsTitle  string
	ClaimsNote   string
	AfterCapture string
	ClaimSource  string // %s where the value was found
	NotATime     string
	NoClaims     string

	// The posting record (posting.json), read from the page: its rows (evidence.PostingRows)
	// and its comments (evidence.CommentLines).
	PostingTitle     string
	PostingNote      string
	PostingUnread    string // %s why posting.json could not be read
	Platform         string
	PostID           string
	PostAuthor       string
	Posted           string
	Views            string
	Likes            string
	CommentsStated   string
	CommentsCaptured string
	CapturedFmt      string // %[1]s comments, %[2]d replies, %[3]d deleted, %[4]d hidden
	ResolvedFrom     string // %s how a relative time was resolved
	CommentsTitle    string
	ColComment       string
	ColAuthor        string
	ColTime          string
	CommentDeleted   string
	CommentHidden    string
	ReplyMark        string
	CommentPageFmt   string // %s the comment page's number (the site's, where its pager shows one)
	CommentFrameFmt  string // %s the frame's address
	CommentsLeftFmt  string // %d comments not listed

	Media        string // the video and audio table's title
	MediaVideo   string
	MediaAudio   string
	MediaSource  string
	MediaKept    string
	MediaNotKept string
	MediaFmt     string // %s type, %s size, then the probe's "%.1f s, %d×%d, codec"
	MediaPlayer  string // %.1f the player's duration: the page's value
	MediaToolFmt string // %s the tool and its version, %s what happened

	Redirects   string
	HopNo       string
	HopStatus   string
	HopURL      string
	HopLocation string
	NoRedirects string

	Collection   string
	Started      string
	Finished     string
	Collector    string
	CaseLabel    string
	Workstation  string
	TimeZone     string
	LocalIPs     string
	Program      string
	ProgramFmt   string // %s version
	NotRecorded  string
	NetworkTitle string
	HTTPStatus   string
	Server       string
	Protocol     string
	ContentType  string
	Resources    string
	ResourcesFmt string // %d resources, %d failed
	Headers      string
	HeadersRaw   string
	HeadersRecon string
	TLSProtocol  string
	Cipher       string
	KeyExchange  string
	CertSubject  string
	CertIssuer   string
	CertSANs     string
	CertValidity string
	ValidityFmt  string // %s from, %s to
	NoTLS        string

	BrowserTitle string
	Product      string
	UserAgent    string
	Viewport     string
	ViewportFmt  string // %s width, %s height, %s scale

	Screenshot     string
	ShotPageFmt    string // %d slice, %d slices
	ShotRowsFmt    string // %s first row, %s last row, %s total rows
	ShotTilesFmt   string // %d tiles
	ShotOriginal   string
	ShotMoreTiles  string // %d further tiles
	NoScreenshot   string
	ShotUndecoded  string // %s artifact name, %s decoder error
	ShotNotInManif string // %s tile name
	ShotHashLabel  string

	Artifacts string
	ArtName   string
	ArtRole   string
	ArtSize   string
	SHA256    string

	RoleScreenshot string
	RoleTile       string
	RoleViewport   string
	RoleDocument   string
	RoleDOM        string
	RoleMHTML      string
	RoleWARC       string
	RoleText       string
	RoleFacts      string

	Method         string
	Timeout        string
	WaitStrategy   string
	LoadEvent      string
	NetworkQuiet   string
	Scrolling      string
	ScrollFmt      string // %d steps, %s px
	ReachedBottom  string
	ScrollReason   string // why the page was or was not scrolled (English, from the facts)
	SiteProfile    string // the site profile the capture used
	SiteMatched    string // %s is the site and the profile's name: its markup was read exactly
	SiteNotMatched string // %s as SiteMatched: the markup was not the one known, the generic reader was used
	PageHeight     string
	ScreenshotMode string
	ScrollTarget   string // what the scroll moved: the document, a frame or an element
	Layout         string // what was changed in the layout for the full-page screenshot
	Options        string
	Yes            string
	No             string
	Pixels         string // %s number of CSS pixels

	Events        string
	EvTime        string
	EvKind        string
	EvDetail      string
	NoEvents      string
	EvDialog      string
	EvDownload    string
	EvPopup       string
	EvNavigation  string
	EvTimeout     string
	EvError       string
	EvNote        string
	Reconstructed string
	NoneRecon     string

	Custody   string
	CuSeq     string
	CuTime    string
	CuActor   string
	CuAction  string
	CuDetails string
	NoCustody string

	// The custody actions (evidence.Action*), looked up by their keys (see texts.action).
	ActStarted     string
	ActSealed      string
	ActFailed      string
	ActInterrupted string
	ActViewed      string
	ActAnnotated   string
	ActReported    string
	ActExported    string
	ActVerified    string

	HashTitle     string
	HashIntro     string
	HashCapture   string
	HashFile      string
	HashManifest  string // %s attachment name
	HowTo         string
	HowFileIntro  string
	HowWindows    string
	HowMacOS      string
	HowLinux      string
	HowSigIntro   string
	HowAcrobat    string
	HowPoppler    string
	HowEvidentia  string
	HowAttach     string
	HowAttachList string
	HowAttachSave string
	HowURLNote    string

	FooterReport   string // %s report ID
	FooterPage     string // %s page number, %s page count
	AttachmentDesc string // %s capture ID, %s manifest SHA-256
	Continued      string
}

// textsFor returns the strings of lang, or false when lang is not a report language.
// action returns the text of the custody action whose translation key (evidence.Action.Key)
// is key, or "" for an action the report has no words for.
func (t *texts) action(key string) string {
	switch key {
	case evidence.ActionCaptureStarted.Key():
		return t.ActStarted
	case evidence.ActionCaptureSealed.Key():
		return t.ActSealed
	case evidence.ActionCaptureFailed.Key():
		return t.ActFailed
	case evidence.ActionCaptureInterrupted.Key():
		return t.ActInterrupted
	case evidence.ActionViewed.Key():
		return t.ActViewed
	case evidence.ActionAnnotated.Key():
		return t.ActAnnotated
	case evidence.ActionReported.Key():
		return t.ActReported
	case evidence.ActionExported.Key():
		return t.ActExported
	case evidence.ActionVerified.Key():
		return t.ActVerified
	}
	return ""
}

// factLabel names the fact whose key (evidence.Fact*) is key; the key itself for one the report
// has no words for.
func (t *texts) factLabel(key string) string {
	switch key {
	case evidence.FactPlatform:
		return t.Platform
	case evidence.FactPostID:
		return t.PostID
	case evidence.FactPostTitle:
		return t.PageTitle
	case evidence.FactPostAuthor:
		return t.PostAuthor
	case evidence.FactPosted:
		return t.Posted
	case evidence.FactPostModified:
		return t.Modified
	case evidence.FactViews:
		return t.Views
	case evidence.FactLikes:
		return t.Likes
	case evidence.FactCommentsStated:
		return t.CommentsStated
	case evidence.FactCommentsCaptured:
		return t.CommentsCaptured
	case evidence.FactHTTPStatus:
		return t.HTTPStatus
	case evidence.FactServer:
		return t.Server
	case evidence.FactProtocol:
		return t.Protocol
	case evidence.FactContentType:
		return t.ContentType
	case evidence.FactTLSProtocol:
		return t.TLSProtocol
	case evidence.FactCipher:
		return t.Cipher
	case evidence.FactKeyExchange:
		return t.KeyExchange
	case evidence.FactCertSubject:
		return t.CertSubject
	case evidence.FactCertIssuer:
		return t.CertIssuer
	case evidence.FactCertSANs:
		return t.CertSANs
	case evidence.FactCertValidity:
		return t.CertValidity
	case evidence.FactStarted:
		return t.Started
	case evidence.FactFinished:
		return t.Finished
	case evidence.FactCollector:
		return t.Collector
	case evidence.FactCase:
		return t.CaseLabel
	case evidence.FactWorkstation:
		return t.Workstation
	case evidence.FactTimeZone:
		return t.TimeZone
	case evidence.FactLocalIPs:
		return t.LocalIPs
	case evidence.FactProgram:
		return t.Program
	case evidence.FactAppSHA256:
		return t.AppSHA256
	case evidence.FactProduct:
		return t.Product
	case evidence.FactUserAgent:
		return t.UserAgent
	case evidence.FactViewport:
		return t.Viewport
	}
	return key
}

func textsFor(lang Lang) (*texts, bool) {
	switch lang {
	case Korean:
		return &textsKo, true
	case English:
		return &textsEn, true
	}
	return nil, false
}

var textsKo = texts{
	Title:        "전자증거 채증 보고서",
	HeaderTitle:  "전자증거 채증 보고서",
	CoverIntro:   "이 보고서는 Evidentia가 웹 게시물을 채증하여 봉인한 결과를 정리한 것입니다. 각 채증의 매니페스트(파일 목록과 SHA-256 해시, 수집 정보)는 이 PDF에 첨부 파일로 들어 있으며, 마지막의 해시 확인서에 따라 누구나 원본 파일의 무결성을 직접 확인할 수 있습니다. 원본 증거는 변경되지 않았으며, 이 보고서는 원본을 가리키는 새 기록입니다.",
	CoverCaseHdr: "사건",
	CoverRptHdr:  "보고서",

	CaseName:        "사건명",
	CaseNumber:      "사건번호",
	CaseDescription: "사건 개요",
	LawArticle:      "적용 법조",
	ReportID:        "보고서 ID",
	GeneratedKST:    "작성 시각 (KST)",
	GeneratedUTC:    "작성 시각 (UTC)",
	Operator:        "작성자",
	Unit:            "소속",
	AppVersion:      "Evidentia 버전",
	AppSHA256:       "실행 파일 SHA-256",
	CaptureCount:    "채증 건수",
	CaptureCountFmt: "%d건 (완료 %d, 부분 %d, 실패 %d)",
	VolumeLabel:     "권",
	VolumeFmt:       "제%d권 / 전%d권 (채증 %d–%d번, 전체 %d건)",
	Signature:       "전자서명",
	SignedBy:        "%s 전자서명함",
	NotSigned:       "서명되지 않음",
	SignedNote:      "이 보고서는 작성 후 전자서명되었습니다. 서명은 PDF 뷰어의 서명 패널이나 마지막 쪽의 방법으로 확인할 수 있으며, 서명 이후 한 바이트라도 바뀌면 서명 확인이 실패합니다.",
	UnsignedNote:    "이 보고서는 전자서명되지 않았습니다. 내용의 무결성은 마지막 쪽의 해시 확인서로 확인하십시오.",

	SummaryTitle: "채증 목록",
	ColNo:        "번호",
	ColCaptured:  "채증 시각 (KST)",
	ColSite:      "호스트",
	ColTitle:     "제목 (페이지 표시)",
	ColStatus:    "상태",
	Untitled:     "(제목 없음)",

	StatusComplete: "완료",
	StatusPartial:  "부분",
	StatusFailed:   "실패",

	LangCode:        "ko",
	Completeness:    "완전성 판정",
	NotWholeFmt:     "이 중 %d건은 게시물이 빠짐없이 저장되지 않았습니다 (각 채증의 완전성 판정 참조)",
	VerdictUnknown:  "알 수 없는 판정 (%s)",
	ReasonUnknown:   "알 수 없는 사유 (%s)",
	ReasonMatched:   "찾은 문구(기록 그대로): %s",
	CommentsCount:   "댓글: 페이지 표시 %[2]s개 중 %[1]s개 저장",
	CommentsNoCount: "댓글: %s개 저장 (페이지에 댓글 수 표시 없음)",

	CaptureHeading: "채증 %d / %d",
	Identification: "식별 정보",
	CaptureID:      "채증 ID",
	Status:         "상태",
	Reason:         "사유",
	RequestedURL:   "요청 URL",
	FinalURL:       "최종 URL",
	CanonicalURL:   "정규 URL",
	PageTitle:      "제목",
	Author:         "게시자",
	Host:           "접속한 호스트",
	SiteName:       "사이트 이름",
	Published:      "게시 시각",
	Modified:       "수정 시각",
	AsGiven:        "페이지 표기: %s",
	Language:       "언어",
	Description:    "설명",
	PostIDs:        "게시물 ID",
	ClaimsTitle:    pagemeta.ClaimsLabel(pagemeta.Korean),
	ClaimsNote:     pagemeta.ClaimsNote(pagemeta.Korean),
	AfterCapture:   pagemeta.AfterCaptureFlag(pagemeta.Korean),
	ClaimSource:    "출처: %s",
	NotATime:       "(시각으로 읽을 수 없음)",
	NoClaims:       "페이지가 스스로 밝힌 정보가 없습니다.",

	PostingTitle:     "게시물 기록 (페이지에서 읽은 내용)",
	PostingNote:      "Evidentia가 렌더링된 페이지(본문, 프레임, 댓글 페이지)에서 읽은 게시물과 댓글입니다. 페이지가 표시한 내용이며 확인된 사실이 아닙니다. 전체 기록은 posting.json 파일에 있습니다.",
	PostingUnread:    "게시물 기록(posting.json)을 읽을 수 없습니다: %s",
	Platform:         "사이트 유형",
	PostID:           "게시물 ID",
	PostAuthor:       "작성자",
	Posted:           "작성 시각",
	Views:            "조회수 (페이지 표시)",
	Likes:            "추천/좋아요 (페이지 표시)",
	CommentsStated:   "댓글 수 (페이지 표시)",
	CommentsCaptured: "저장된 댓글",
	CapturedFmt:      "%[1]s개 (답글 %[2]d, 삭제 %[3]d, 숨김 %[4]d)",
	ResolvedFrom:     "상대 시각 환산: %s",
	CommentsTitle:    "댓글 (페이지 순서)",
	ColComment:       "내용",
	ColAuthor:        "작성자",
	ColTime:          "시각",
	CommentDeleted:   "[삭제된 댓글]",
	CommentHidden:    "[숨겨진 댓글]",
	ReplyMark:        "[답글]",
	CommentPageFmt:   "댓글 %s쪽",
	CommentFrameFmt:  "프레임: %s",
	CommentsLeftFmt:  "그 밖의 댓글 %d개는 이 보고서에 싣지 않았습니다. posting.json 파일에 모두 있습니다.",

	Media:        "영상·음성 (게시물이 재생하는 파일)",
	MediaVideo:   "영상",
	MediaAudio:   "음성",
	MediaSource:  "출처 (요소와 주소)",
	MediaKept:    "보존한 파일",
	MediaNotKept: "보존하지 않음",
	MediaFmt:     "%s, %s",
	MediaPlayer:  "플레이어 표시 길이 %.1f초 (페이지의 값)",
	MediaToolFmt: "영상 수집 도구 %s: %s",
	Redirects:    "리다이렉트 경로",
	HopNo:        "단계",
	HopStatus:    "상태 코드",
	HopURL:       "URL",
	HopLocation:  "이동 위치 (Location)",
	NoRedirects:  "리다이렉트 없이 요청 URL에서 바로 응답했습니다.",

	Collection:   "수집 정보",
	Started:      "채증 시작",
	Finished:     "채증 종료",
	Collector:    "채증자",
	CaseLabel:    "사건",
	Workstation:  "작업 컴퓨터",
	TimeZone:     "시간대",
	LocalIPs:     "로컬 IP",
	Program:      "프로그램",
	ProgramFmt:   "Evidentia %s",
	NotRecorded:  "(기록 없음)",
	NetworkTitle: "네트워크",
	HTTPStatus:   "HTTP 상태",
	Server:       "서버 IP:포트",
	Protocol:     "프로토콜",
	ContentType:  "콘텐츠 유형",
	Resources:    "리소스",
	ResourcesFmt: "%d개 (실패 %d개)",
	Headers:      "응답 헤더",
	HeadersRaw:   "수신한 원문 그대로 기록",
	HeadersRecon: "브라우저가 해석한 값에서 재구성",
	TLSProtocol:  "TLS 프로토콜",
	Cipher:       "암호 스위트",
	KeyExchange:  "키 교환",
	CertSubject:  "인증서 주체",
	CertIssuer:   "인증서 발급자",
	CertSANs:     "인증서 대체 이름",
	CertValidity: "인증서 유효 기간",
	ValidityFmt:  "%s 부터 %s 까지",
	NoTLS:        "TLS 없음 (암호화되지 않은 HTTP)",

	BrowserTitle: "브라우저",
	Product:      "제품",
	UserAgent:    "User-Agent",
	Viewport:     "화면 크기",
	ViewportFmt:  "%s × %s px, 배율 %s",

	Screenshot:     "전체 화면 캡처",
	ShotPageFmt:    "%d / %d",
	ShotRowsFmt:    "세로 %s–%s px (전체 %s px)",
	ShotTilesFmt:   "타일 %d개를 순서대로 이어 붙임",
	ShotOriginal:   "원본",
	ShotMoreTiles:  "외 타일 %d개 (파일 목록 참조)",
	NoScreenshot:   "이 채증에는 전체 화면 캡처가 없습니다.",
	ShotUndecoded:  "%s 파일을 이미지로 읽을 수 없어 표시하지 못했습니다 (%s). 원본 파일은 변경 없이 보관되어 있으며 파일 목록과 해시 확인서에 올라 있습니다.",
	ShotNotInManif: "타일 %s가 매니페스트의 파일 목록에 없어 표시하지 못했습니다.",
	ShotHashLabel:  "SHA-256",

	Artifacts: "파일 목록",
	ArtName:   "파일명",
	ArtRole:   "종류",
	ArtSize:   "크기 (바이트)",
	SHA256:    "SHA-256",

	RoleScreenshot: "전체 화면 캡처",
	RoleTile:       "캡처 타일",
	RoleViewport:   "첫 화면 캡처",
	RoleDocument:   "HTML 원문",
	RoleDOM:        "렌더링된 DOM",
	RoleMHTML:      "MHTML 보관본",
	RoleWARC:       "WARC 네트워크 기록",
	RoleText:       "본문 텍스트",
	RoleFacts:      "수집 정보 (JSON)",

	Method:         "채증 방법",
	Timeout:        "제한 시간",
	WaitStrategy:   "대기 방식",
	LoadEvent:      "load 이벤트 발생",
	NetworkQuiet:   "네트워크 유휴 확인",
	Scrolling:      "스크롤",
	ScrollFmt:      "%d회, %s px",
	ReachedBottom:  "페이지 끝 도달",
	ScrollReason:   "스크롤 이유",
	SiteProfile:    "사이트 프로필",
	SiteMatched:    "%s: 이 사이트의 화면 구조를 알아보고 전용 방식으로 읽었습니다.",
	SiteNotMatched: "%s: 화면 구조가 알려진 것과 달라(사이트가 바뀐 것으로 보임) 일반 방식으로 저장했습니다.",
	PageHeight:     "페이지 높이",
	ScreenshotMode: "캡처 방식",
	ScrollTarget:   "스크롤 대상",
	Layout:         "전체 화면 캡처를 위한 배치 변경",
	Options:        "옵션",
	Yes:            "예",
	No:             "아니요",
	Pixels:         "%s px",

	Events:        "채증 중 발생한 일",
	EvTime:        "시각 (KST)",
	EvKind:        "종류",
	EvDetail:      "내용",
	NoEvents:      "기록된 사건이 없습니다.",
	EvDialog:      "대화상자",
	EvDownload:    "다운로드 차단",
	EvPopup:       "팝업",
	EvNavigation:  "이동 차단",
	EvTimeout:     "시간 초과",
	EvError:       "오류",
	EvNote:        "참고",
	Reconstructed: "기록이 아닌 재구성 항목",
	NoneRecon:     "재구성한 항목이 없습니다.",

	Custody:   "보관 이력",
	CuSeq:     "순번",
	CuTime:    "시각 (KST)",
	CuActor:   "행위자",
	CuAction:  "행위",
	CuDetails: "세부 내용",
	NoCustody: "보관 이력이 없습니다.",

	ActStarted:     "채증 시작",
	ActSealed:      "봉인",
	ActFailed:      "채증 실패(봉인)",
	ActInterrupted: "채증 중단",
	ActViewed:      "열람",
	ActAnnotated:   "메모 추가",
	ActReported:    "보고서 작성",
	ActExported:    "내보내기",
	ActVerified:    "검증",

	HashTitle:     "해시 확인서",
	HashIntro:     "아래 표는 이 보고서에 실린 모든 채증의 파일과 매니페스트의 SHA-256 해시입니다. 보관된 원본 파일의 해시를 다시 계산하여 표의 값과 한 글자도 다르지 않으면, 그 파일은 채증 시점 이후 바뀌지 않은 것입니다.",
	HashCapture:   "채증 ID",
	HashFile:      "파일",
	HashManifest:  "%s (매니페스트)",
	HowTo:         "직접 확인하는 방법",
	HowFileIntro:  "파일의 SHA-256 계산 (FILE 자리에 파일 이름):",
	HowWindows:    "Windows:",
	HowMacOS:      "macOS:",
	HowLinux:      "Linux:",
	HowSigIntro:   "보고서 전자서명 확인:",
	HowAcrobat:    "Adobe Acrobat Reader: 서명 패널",
	HowPoppler:    "poppler:",
	HowEvidentia:  "Evidentia:",
	HowAttach:     "첨부된 매니페스트 확인: 각 채증의 매니페스트가 <채증 ID>.manifest.json 이름으로 첨부되어 있습니다. 꺼낸 파일의 SHA-256은 위 표의 매니페스트 해시와 같아야 합니다.",
	HowAttachList: "첨부 목록:",
	HowAttachSave: "모두 꺼내기:",
	HowURLNote:    "긴 URL과 값은 칸 너비에 맞추어 임의의 위치에서 줄을 바꾸었으며, 줄바꿈 자리에 문자를 더하지 않았습니다.",

	FooterReport:   "보고서 ID %s",
	FooterPage:     "%s / %s 쪽",
	AttachmentDesc: "채증 %s의 매니페스트 (SHA-256 %s)",
	Continued:      "(계속)",
}

var textsEn = texts{
	Title:        "Web Evidence Capture Report",
	HeaderTitle:  "Web Evidence Capture Report",
	CoverIntro:   "This report sets out web postings captured and sealed by Evidentia. Each capture's manifest (its files with their SHA-256 hashes and the facts observed while collecting it) is attached to this PDF, and the hash confirmation at the end lets anyone check the integrity of the original files without trusting this program. The evidentiary originals were not modified; this report is a new record that points at them.",
	CoverCaseHdr: "Case",
	CoverRptHdr:  "Report",

	CaseName:        "Case name",
	CaseNumber:      "Case number",
	CaseDescription: "Description",
	LawArticle:      "Law article",
	ReportID:        "Report ID",
	GeneratedKST:    "Generated (KST)",
	GeneratedUTC:    "Generated (UTC)",
	Operator:        "Operator",
	Unit:            "Unit",
	AppVersion:      "Evidentia version",
	AppSHA256:       "Executable SHA-256",
	CaptureCount:    "Captures",
	CaptureCountFmt: "%d (%d complete, %d partial, %d failed)",
	VolumeLabel:     "Volume",
	VolumeFmt:       "Volume %d of %d (captures %d–%d of %d)",
	Signature:       "Signature",
	SignedBy:        "Signed digitally by %s",
	NotSigned:       "Not signed",
	SignedNote:      "This report was signed digitally after it was written. Check the signature in the signature panel of a PDF reader or as described on the last page; changing a single byte after signing makes the check fail.",
	UnsignedNote:    "This report is not signed. Check the integrity of its contents with the hash confirmation on the last page.",

	SummaryTitle: "Summary of captures",
	ColNo:        "No.",
	ColCaptured:  "Captured (KST)",
	ColSite:      "Host",
	ColTitle:     "Title (as the page states)",
	ColStatus:    "Status",
	Untitled:     "(untitled)",

	StatusComplete: "Complete",
	StatusPartial:  "Partial",
	StatusFailed:   "Failed",

	LangCode:        "en",
	Completeness:    "Completeness",
	NotWholeFmt:     "of which %d do not hold the whole posting (see each capture's completeness)",
	VerdictUnknown:  "Unknown verdict (%s)",
	ReasonUnknown:   "Unknown reason (%s)",
	ReasonMatched:   "matched text, as recorded: %s",
	CommentsCount:   "Comments: %[1]s of the %[2]s the page states",
	CommentsNoCount: "Comments: %s saved; the page states no count",

	CaptureHeading: "Capture %d of %d",
	Identification: "Identification",
	CaptureID:      "Capture ID",
	Status:         "Status",
	Reason:         "Reason",
	RequestedURL:   "Requested URL",
	FinalURL:       "Final URL",
	CanonicalURL:   "Canonical URL",
	PageTitle:      "Title",
	Author:         "Author",
	Host:           "Host reached",
	SiteName:       "Site name",
	Published:      "Published",
	Modified:       "Modified",
	AsGiven:        "as given: %s",
	Language:       "Language",
	Description:    "Description",
	PostIDs:        "Post IDs",
	ClaimsTitle:    pagemeta.ClaimsLabel(pagemeta.English),
	ClaimsNote:     pagemeta.ClaimsNote(pagemeta.English),
	AfterCapture:   pagemeta.AfterCaptureFlag(pagemeta.English),
	ClaimSource:    "found in: %s",
	NotATime:       "(not a recognised time)",
	NoClaims:       "The page stated nothing about itself.",

	PostingTitle:     "Posting record (as read from the page)",
	PostingNote:      "The post and its comments as Evidentia read them from the rendered page (its main document, frames and comment pages): what the page shows, not observed facts. The whole record is the file posting.json.",
	PostingUnread:    "The posting record (posting.json) could not be read: %s",
	Platform:         "Site type",
	PostID:           "Post ID",
	PostAuthor:       "Author",
	Posted:           "Posted",
	Views:            "Views (as the page states)",
	Likes:            "Likes (as the page states)",
	CommentsStated:   "Comments (as the page states)",
	CommentsCaptured: "Comments captured",
	CapturedFmt:      "%[1]s (%[2]d replies, %[3]d deleted, %[4]d hidden)",
	ResolvedFrom:     "relative time resolved: %s",
	CommentsTitle:    "Comments (in page order)",
	ColComment:       "Text",
	ColAuthor:        "Author",
	ColTime:          "Time",
	CommentDeleted:   "[deleted comment]",
	CommentHidden:    "[hidden comment]",
	ReplyMark:        "[reply]",
	CommentPageFmt:   "comment page %s",
	CommentFrameFmt:  "frame: %s",
	CommentsLeftFmt:  "%d more comments are not listed in this report; posting.json holds them all.",

	Media:        "Video and audio (the files the posting plays)",
	MediaVideo:   "video",
	MediaAudio:   "audio",
	MediaSource:  "Source (element and address)",
	MediaKept:    "File kept",
	MediaNotKept: "not kept",
	MediaFmt:     "%s, %s",
	MediaPlayer:  "the player shows %.1f s (the page's value)",
	MediaToolFmt: "Video downloader %s: %s",
	Redirects:    "Redirect chain",
	HopNo:        "Hop",
	HopStatus:    "Status",
	HopURL:       "URL",
	HopLocation:  "Location",
	NoRedirects:  "No redirects: the requested URL answered directly.",

	Collection:   "Collection",
	Started:      "Capture started",
	Finished:     "Capture finished",
	Collector:    "Collected by",
	CaseLabel:    "Case",
	Workstation:  "Workstation",
	TimeZone:     "Time zone",
	LocalIPs:     "Local IPs",
	Program:      "Program",
	ProgramFmt:   "Evidentia %s",
	NotRecorded:  "(not recorded)",
	NetworkTitle: "Network",
	HTTPStatus:   "HTTP status",
	Server:       "Server IP:port",
	Protocol:     "Protocol",
	ContentType:  "Content type",
	Resources:    "Resources",
	ResourcesFmt: "%d (%d failed)",
	Headers:      "Response headers",
	HeadersRaw:   "recorded raw, as received",
	HeadersRecon: "reconstructed from the browser's parsed view",
	TLSProtocol:  "TLS protocol",
	Cipher:       "Cipher suite",
	KeyExchange:  "Key exchange",
	CertSubject:  "Certificate subject",
	CertIssuer:   "Certificate issuer",
	CertSANs:     "Certificate names",
	CertValidity: "Certificate validity",
	ValidityFmt:  "from %s to %s",
	NoTLS:        "No TLS (plain HTTP)",

	BrowserTitle: "Browser",
	Product:      "Product",
	UserAgent:    "User agent",
	Viewport:     "Viewport",
	ViewportFmt:  "%s × %s px, scale %s",

	Screenshot:     "Full-page screenshot",
	ShotPageFmt:    "%d of %d",
	ShotRowsFmt:    "rows %s–%s px of %s px",
	ShotTilesFmt:   "joined in order from %d tiles",
	ShotOriginal:   "Original",
	ShotMoreTiles:  "and %d more tiles (see the artifacts)",
	NoScreenshot:   "This capture has no full-page screenshot.",
	ShotUndecoded:  "%s could not be decoded as an image (%s) and is not shown. The original file is kept unchanged and is listed in the artifacts and the hash confirmation.",
	ShotNotInManif: "Tile %s is not among the manifest's artifacts and is not shown.",
	ShotHashLabel:  "SHA-256",

	Artifacts: "Artifacts",
	ArtName:   "Name",
	ArtRole:   "Role",
	ArtSize:   "Size (bytes)",
	SHA256:    "SHA-256",

	RoleScreenshot: "full-page screenshot",
	RoleTile:       "screenshot tile",
	RoleViewport:   "viewport screenshot",
	RoleDocument:   "HTML as served",
	RoleDOM:        "rendered DOM",
	RoleMHTML:      "MHTML archive",
	RoleWARC:       "WARC network record",
	RoleText:       "visible text",
	RoleFacts:      "facts (JSON)",

	Method:         "Method",
	Timeout:        "Timeout",
	WaitStrategy:   "Wait strategy",
	LoadEvent:      "Load event fired",
	NetworkQuiet:   "Network quiet",
	Scrolling:      "Scrolling",
	ScrollFmt:      "%d steps, %s px",
	ReachedBottom:  "Reached bottom",
	ScrollReason:   "Why scrolled or not",
	SiteProfile:    "Site profile",
	SiteMatched:    "%s: the site's page structure was recognised and read by its profile.",
	SiteNotMatched: "%s: the page structure was not the one known (the site may have changed it); it was captured the generic way.",
	PageHeight:     "Page height",
	ScreenshotMode: "Screenshot mode",
	ScrollTarget:   "Scrolled element",
	Layout:         "Layout changed for the full-page screenshot",
	Options:        "Options",
	Yes:            "yes",
	No:             "no",
	Pixels:         "%s px",

	Events:        "Events during the capture",
	EvTime:        "Time (KST)",
	EvKind:        "Kind",
	EvDetail:      "Detail",
	NoEvents:      "No events were recorded.",
	EvDialog:      "dialog",
	EvDownload:    "download blocked",
	EvPopup:       "pop-up",
	EvNavigation:  "navigation blocked",
	EvTimeout:     "timeout",
	EvError:       "error",
	EvNote:        "note",
	Reconstructed: "Reconstructed rather than recorded",
	NoneRecon:     "Nothing was reconstructed.",

	Custody:   "Chain of custody",
	CuSeq:     "Seq.",
	CuTime:    "Time (KST)",
	CuActor:   "Actor",
	CuAction:  "Action",
	CuDetails: "Details",
	NoCustody: "No custody events.",

	// The English report names most actions as the custody log records them.
	ActStarted:     string(evidence.ActionCaptureStarted),
	ActSealed:      string(evidence.ActionCaptureSealed),
	ActFailed:      "capture failed (sealed)",
	ActInterrupted: string(evidence.ActionCaptureInterrupted),
	ActViewed:      string(evidence.ActionViewed),
	ActAnnotated:   string(evidence.ActionAnnotated),
	ActReported:    string(evidence.ActionReported),
	ActExported:    string(evidence.ActionExported),
	ActVerified:    string(evidence.ActionVerified),

	HashTitle:     "Hash confirmation",
	HashIntro:     "The table lists the SHA-256 of every file and manifest of the captures in this report. Recompute the hash of a stored original: if it matches the value below character for character, the file has not changed since it was captured.",
	HashCapture:   "Capture",
	HashFile:      "File",
	HashManifest:  "%s (manifest)",
	HowTo:         "How to check by hand",
	HowFileIntro:  "SHA-256 of a file (FILE is the file's name):",
	HowWindows:    "Windows:",
	HowMacOS:      "macOS:",
	HowLinux:      "Linux:",
	HowSigIntro:   "Signature of this report:",
	HowAcrobat:    "Adobe Acrobat Reader: the signature panel",
	HowPoppler:    "poppler:",
	HowEvidentia:  "Evidentia:",
	HowAttach:     "Attached manifests: each capture's manifest is attached as <capture ID>.manifest.json. The SHA-256 of an extracted manifest must equal the manifest hash in the table above.",
	HowAttachList: "List attachments:",
	HowAttachSave: "Extract them all:",
	HowURLNote:    "Long URLs and values are broken across lines to fit their column; nothing is added where a line breaks.",

	FooterReport:   "Report ID %s",
	FooterPage:     "Page %s / %s",
	AttachmentDesc: "Manifest of capture %s (SHA-256 %s)",
	Continued:      "(continued)",
}
