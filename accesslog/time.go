package accesslog

import (
	"fmt"
	"strconv"
	"time"
)

// ParseTime reads a log time in the forms servers write: the common log
// format's 10/Oct/2000:13:55:36 -0700 (nginx $time_local, Apache %t),
// RFC 3339 (nginx $time_iso8601, most JSON logs) and seconds since the
// epoch with an optional fraction (nginx $msec).
func ParseTime(b []byte) (time.Time, error) {
	if t, ok := parseCLF(b); ok {
		return t, nil
	}
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		if t, err := time.Parse(time.RFC3339Nano, string(b)); err == nil {
			return t, nil
		}
		if f, err := strconv.ParseFloat(string(b), 64); err == nil && f >= 0 && f < 1e11 {
			sec := int64(f)
			return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Truncate(time.Millisecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want 02/Jan/2006:15:04:05 -0700, RFC 3339 or epoch seconds", clip(b))
}

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parseCLF reads 02/Jan/2006:15:04:05 -0700 by position, without
// time.Parse's layout interpretation: it runs once per crawler request.
func parseCLF(b []byte) (time.Time, bool) {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return time.Time{}, false
	}
	day, ok1 := digits(b[0:2])
	year, ok2 := digits(b[7:11])
	hour, ok3 := digits(b[12:14])
	minute, ok4 := digits(b[15:17])
	sec, ok5 := digits(b[18:20])
	zh, ok6 := digits(b[22:24])
	zm, ok7 := digits(b[24:26])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || (b[21] != '+' && b[21] != '-') {
		return time.Time{}, false
	}
	month := 0
	for i, m := range months {
		if string(b[3:6]) == m {
			month = i + 1
			break
		}
	}
	if month == 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 || zh > 23 || zm > 59 {
		return time.Time{}, false
	}
	offset := (zh*60 + zm) * 60
	if b[21] == '-' {
		offset = -offset
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.FixedZone("", offset))
	return t.UTC(), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
