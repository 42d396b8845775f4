package io.streamcrawl.job.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Test;

class AccessInterceptorTest {
    private static final X500Principal ALLOWED = new X500Principal("CN=stormcrawl, O=Example");

    @Test
    void anAllowedSubjectOrTheTokenAdmitsACall() {
        AccessInterceptor access = new AccessInterceptor("s3cret", Set.of(ALLOWED));

        // Names compare as X.500 names, not as strings.
        assertThat(access.admits(null, new X500Principal("cn=stormcrawl,o=Example"))).isTrue();
        assertThat(access.admits("Bearer s3cret", new X500Principal("CN=other"))).isTrue();
        assertThat(access.admits("Bearer s3cret", null)).isTrue();
    }

    @Test
    void anotherSubjectWithoutTheTokenIsRefused() {
        AccessInterceptor access = new AccessInterceptor("s3cret", Set.of(ALLOWED));

        assertThat(access.admits(null, new X500Principal("CN=other"))).isFalse();
        assertThat(access.admits("Bearer s3cre", null)).isFalse();
        assertThat(access.admits("s3cret", null)).isFalse();
        assertThat(access.admits(null, null)).isFalse();
    }

    @Test
    void withoutATokenNoHeaderAdmitsAndWithNeitherEveryCallIs() {
        assertThat(new AccessInterceptor("", Set.of(ALLOWED)).admits("Bearer ", null)).isFalse();
        assertThat(new AccessInterceptor("", Set.of()).admits(null, null)).isTrue();
    }
}
