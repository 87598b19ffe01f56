#!/usr/bin/env bash
# Bytes and files that the week, month and organization pages and feeds add to a built site:
#   bash benchmarks/browse_size.sh output
# (for the synthetic archive: python3 benchmarks/make_archive.py 10000 --out /tmp/b/data, a config
# from tests/real_archive.py write_config, sitegen build, then this script on its output).
cd "$1" || exit 1
total=0
for part in weeks months orgs feeds/orgs; do
  b=$(du -sb $part | cut -f1); f=$(find $part -type f | wc -l); total=$((total + b)); echo "$part: $f files, $b bytes"
done
w=$(cat feeds/*weekly* | wc -c); o=$(wc -c < feeds/orgs.opml); total=$((total + w + o))
echo "weekly feeds: $(ls feeds/*weekly* | wc -l) files, $w bytes; feeds/orgs.opml $o bytes"
echo "added: $total bytes of $(du -sb . | cut -f1) ($(find . -type f | wc -l) files in all)"
