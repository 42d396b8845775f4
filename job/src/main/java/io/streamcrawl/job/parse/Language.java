package io.streamcrawl.job.parse;

import java.util.Locale;

/**
 * The language of a page as a BCP 47 tag: the {@code lang} attribute of its {@code <html>}
 * element, else the first language of its {@code Content-Language} header. Tags are
 * canonicalized ({@code EN-us} becomes {@code en-US}); a value that is no language tag counts as none.
 */
final class Language {
    private Language() {}

    /** The page's language tag, or null when neither source names one. */
    static String of(String htmlLang, String contentLanguage) {
        String tag = tag(htmlLang);
        if (tag == null && contentLanguage != null) {
            int comma = contentLanguage.indexOf(',');
            tag = tag(comma < 0 ? contentLanguage : contentLanguage.substring(0, comma));
        }
        return tag;
    }

    private static String tag(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Locale locale = Locale.forLanguageTag(value.strip());
        return locale.getLanguage().isEmpty() ? null : locale.toLanguageTag();
    }
}
