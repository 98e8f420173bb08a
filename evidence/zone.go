package evidence

import "time"

// kst is Korea Standard Time, UTC+09:00, as a fixed zone so that no time zone database is
// needed. Korea has not observed daylight saving time since 1988.
var kst = time.FixedZone("KST", 9*60*60)

// KST returns Korea Standard Time (UTC+09:00, named "KST"), the zone Evidentia's reports,
// exports and page-time normalisation use.
func KST() *time.Location { return kst }
