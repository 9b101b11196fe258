package dev.switchover.migration.report;

/**
 * Escaping for the report page, which is written as well-formed XML (XHTML syntax with inline
 * SVG) so any XML parser can check it: only the five XML entities are used, never HTML-only
 * ones such as {@code &nbsp;}.
 */
final class Markup {

    private Markup() {
    }

    /** Text or attribute value with {@code & < > " '} escaped and control characters dropped. */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
