"""Generate a WXR 1.2 export of any size, streamed to a file (for the import benchmark)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Generated blog</title><link>https://bench.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[bench]]></wp:author_login>
<wp:author_email><![CDATA[bench@example.org]]></wp:author_email>
<wp:author_display_name><![CDATA[Bench Author]]></wp:author_display_name></wp:author>
"""
STATUSES = ["1"] * 17 + ["0", "spam", "trash"]


def write_export(path: Path, posts: int, comments_per_post: int) -> int:
    """Write `posts` posts with `comments_per_post` threaded comments each; return the total."""
    start = datetime(2015, 1, 1, tzinfo=UTC)
    comment_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for p in range(1, posts + 1):
            day = start + timedelta(days=p)
            out.write(
                f"<item><title>Generated post {p}</title>"
                f"<link>https://bench.example.org/{day:%Y/%m/%d}/generated-post-{p}/</link>"
                f"<dc:creator><![CDATA[bench]]></dc:creator>"
                f'<guid isPermaLink="false">https://bench.example.org/?p={p}</guid>'
                f"<content:encoded><![CDATA[First paragraph of post {p}.\n\nSecond one, with "
                f"<em>markup</em> and a line\nbreak.]]></content:encoded>"
                f"<wp:post_id>{p}</wp:post_id><wp:post_date_gmt>{day:%Y-%m-%d %H:%M:%S}"
                f"</wp:post_date_gmt><wp:post_name>generated-post-{p}</wp:post_name>"
                f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f'<category domain="post_tag" nicename="tag-{p % 50}"><![CDATA[Tag {p % 50}]]>'
                f"</category>\n")
            first = comment_id + 1
            for c in range(comments_per_post):
                comment_id += 1
                parent = first + (c - 1) // 3 if c and c % 3 else 0
                when = day + timedelta(minutes=c)
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {comment_id % 997}]]></wp:comment_author>"
                    f"<wp:comment_author_email>reader{comment_id % 997}@example.org"
                    f"</wp:comment_author_email><wp:comment_author_IP>192.0.2.{c % 250}"
                    f"</wp:comment_author_IP><wp:comment_date_gmt>{when:%Y-%m-%d %H:%M:%S}"
                    f"</wp:comment_date_gmt><wp:comment_content><![CDATA[Comment {comment_id}: "
                    f"a few words,\nand a second line.]]></wp:comment_content>"
                    f"<wp:comment_approved>{STATUSES[comment_id % len(STATUSES)]}"
                    f"</wp:comment_approved><wp:comment_type></wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n")
            out.write("</item>\n")
        out.write("</channel></rss>\n")
    return comment_id


if __name__ == "__main__":
    print(write_export(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
