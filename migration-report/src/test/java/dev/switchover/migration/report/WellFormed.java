package dev.switchover.migration.report;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small well-formedness check of the report page for tests that can not read {@code java.xml}:
 * every tag is a proper start, end or empty tag with quoted attributes, tags nest, {@code &}
 * starts one of XML's own entities, and no id repeats. Returns the problem, or null.
 */
final class WellFormed {

    private static final Pattern TAG = Pattern.compile(
            "<(/?)([a-zA-Z][\\w:-]*)((?:\\s+[\\w:-]+=\"[^\"<]*\")*)\\s*(/?)>");
    private static final Pattern ENTITY = Pattern.compile("&(amp|lt|gt|quot|#\\d+);");
    private static final Pattern ID = Pattern.compile("\\sid=\"([^\"]*)\"");

    private WellFormed() {
    }

    static String problem(String page) {
        String doc = page;
        if (doc.startsWith("<!DOCTYPE html>")) {
            doc = doc.substring("<!DOCTYPE html>".length());
        }
        Deque<String> open = new ArrayDeque<>();
        Set<String> ids = new HashSet<>();
        int i = 0;
        while (i < doc.length()) {
            char c = doc.charAt(i);
            if (c == '<') {
                Matcher m = TAG.matcher(doc).region(i, doc.length());
                if (!m.lookingAt()) {
                    return "malformed tag at " + i + ": " + snippet(doc, i);
                }
                String problem = checkEntities(m.group(3), i);
                if (problem != null) {
                    return problem;
                }
                Matcher id = ID.matcher(m.group(3));
                while (id.find()) {
                    if (!ids.add(id.group(1))) {
                        return "duplicate id '" + id.group(1) + "'";
                    }
                }
                if (m.group(1).equals("/")) {
                    String expected = open.poll();
                    if (!m.group(2).equals(expected)) {
                        return "</" + m.group(2) + "> closes <" + expected + "> at " + i;
                    }
                } else if (m.group(4).isEmpty()) {
                    open.push(m.group(2));
                }
                i = m.end();
            } else if (c == '&') {
                Matcher e = ENTITY.matcher(doc).region(i, doc.length());
                if (!e.lookingAt()) {
                    return "bare & at " + i + ": " + snippet(doc, i);
                }
                i = e.end();
            } else if (c == '>') {
                return "bare > at " + i + ": " + snippet(doc, i);
            } else {
                i++;
            }
        }
        return open.isEmpty() ? null : "unclosed <" + open.peek() + ">";
    }

    private static String checkEntities(String attributes, int at) {
        int amp = attributes.indexOf('&');
        while (amp >= 0) {
            if (!ENTITY.matcher(attributes).region(amp, attributes.length()).lookingAt()) {
                return "bare & in attributes of the tag at " + at;
            }
            amp = attributes.indexOf('&', amp + 1);
        }
        return null;
    }

    private static String snippet(String doc, int i) {
        return doc.substring(i, Math.min(doc.length(), i + 60));
    }
}
