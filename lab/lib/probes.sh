# Sourced by the lab scripts. Reads a `ping -D` log (one probe every few ms) between two
# wall-clock times in ms:
#
#   probe_outage_ms LOG FROM TO    largest gap between consecutive replies
#   probe_lost LOG FROM TO         probes (icmp_seq, which wraps at 65536) between the first and
#                                  last reply never answered
#   probe_replies_after LOG FROM   replies received after FROM
probe_outage_ms() {
  awk -v from="$2" -v to="$3" '
    /bytes from/ { t = substr($1, 2, length($1) - 2) * 1000; if (t >= from && t <= to) { if (last) { g = t - last; if (g > max) max = g } last = t } }
    END { printf "%d\n", max }' "$1"
}

probe_lost() {
  awk -v from="$2" -v to="$3" '
    /bytes from/ { t = substr($1, 2, length($1) - 2) * 1000; if (t >= from && t <= to) { for (i = 2; i <= NF; i++) if ($i ~ /^icmp_seq=/) { split($i, kv, "="); s = kv[2] + wraps * 65536; if (prev - s > 32768) { wraps++; s += 65536 } prev = s } if (first == "") first = s; last = s; n++ } }
    END { if (n == 0) print 0; else print (last - first + 1) - n }' "$1"
}

probe_replies_after() {
  awk -v from="$2" '/bytes from/ { t = substr($1, 2, length($1) - 2) * 1000; if (t > from) n++ } END { print n + 0 }' "$1"
}
