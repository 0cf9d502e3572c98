"""Field extraction: pure functions from page text to article fields, unit-tested on their own.

- ``generic``: every field of an article page without selectors (``extract`` → ``Extracted``),
  with how and where each was found;
- ``dom``: a bounded lxml tree (deep nesting flattened, never a RecursionError) and reader lines;
- ``dates``: publish times in every common Chinese form, with their precision; URL dates;
- ``byline``: 记者 / 通讯员 in byline paragraphs and running text, photographers left out;
- ``html``: labelled values, paragraphs of a selected element, titles (the selector path);
- ``encoding``: the charset of a response (GBK without a charset, gb18030 with replacement);
- ``text``: control characters and whitespace as a reader sees them.
"""
