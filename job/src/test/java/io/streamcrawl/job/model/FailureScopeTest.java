package io.streamcrawl.job.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision table: whom a failed fetch is about, from its status and where it failed. */
class FailureScopeTest {
    static Stream<Arguments> table() {
        return Stream.of(
                // The server asks to slow down: the host.
                Arguments.of(429, FailureCause.NONE, FailureScope.HOST),
                Arguments.of(503, FailureCause.NONE, FailureScope.HOST),
                // The resource is broken, the server is fine: the URL.
                Arguments.of(500, FailureCause.NONE, FailureScope.URL),
                Arguments.of(502, FailureCause.NONE, FailureScope.URL),
                Arguments.of(504, FailureCause.NONE, FailureScope.URL),
                Arguments.of(408, FailureCause.NONE, FailureScope.URL),
                // No response: where it failed decides.
                Arguments.of(0, FailureCause.CONNECT, FailureScope.HOST),
                Arguments.of(0, FailureCause.HEAD, FailureScope.HOST),
                Arguments.of(0, FailureCause.HEAD_WHILE_HOST_ANSWERS, FailureScope.URL),
                Arguments.of(0, FailureCause.BODY, FailureScope.URL),
                // Not retried: deferred, refused or invalid requests, and final answers.
                Arguments.of(0, FailureCause.NONE, FailureScope.NONE),
                Arguments.of(200, FailureCause.NONE, FailureScope.NONE),
                Arguments.of(301, FailureCause.NONE, FailureScope.NONE),
                Arguments.of(404, FailureCause.NONE, FailureScope.NONE),
                Arguments.of(501, FailureCause.NONE, FailureScope.NONE));
    }

    @ParameterizedTest(name = "status {0}, {1} -> {2}")
    @MethodSource("table")
    void decidesWhomAFailureIsAbout(int status, FailureCause cause, FailureScope scope) {
        assertThat(FailureScope.of(status, cause)).isEqualTo(scope);
    }
}
