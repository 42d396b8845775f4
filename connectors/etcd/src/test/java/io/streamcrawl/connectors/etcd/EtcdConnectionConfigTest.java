package io.streamcrawl.connectors.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class EtcdConnectionConfigTest {

    @Test
    void theSchemeDecidesTlsAndThePasswordNeverShows() throws Exception {
        EtcdConnectionConfig config = EtcdConnectionConfig.builder()
                .endpoints("https://etcd-0:2379, https://etcd-1:2379")
                .user("crawler", "s3cret-Pa55")
                .caFile("/etc/etcd/ca.crt")
                .clientCertificate("/etc/etcd/client.crt", "/etc/etcd/client.key")
                .build();

        assertThat(config.tls()).isTrue();
        assertThat(config.endpoints()).containsExactly("https://etcd-0:2379", "https://etcd-1:2379");
        assertThat(config.address()).isEqualTo("https://etcd-0:2379,https://etcd-1:2379 as crawler");
        assertThat(config.toString()).contains("crawler", "/etc/etcd/client.key").doesNotContain("s3cret-Pa55");
        assertThat(InstantiationUtil.clone(config)).isEqualTo(config);
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> EtcdConnectionConfig.builder().endpoints(" , ").build())
                .hasMessageContaining("no etcd endpoints");
        assertThatThrownBy(() -> EtcdConnectionConfig.builder().endpoints("http://a:2379,https://b:2379").build())
                .hasMessageContaining("mix http:// and https://");
        assertThatThrownBy(() -> EtcdConnectionConfig.builder().endpoints("http://a:2379").caFile("/ca.crt").build())
                .hasMessageContaining("not https://");
        assertThatThrownBy(() -> EtcdConnectionConfig.builder().endpoints("https://a:2379")
                        .clientCertificate("/client.crt", null).build())
                .hasMessageContaining("both the certificate and the key file");
        assertThatThrownBy(() -> EtcdConnectionConfig.builder().endpoints("http://a:2379").user("crawler", null).build())
                .hasMessageContaining("'crawler' needs a non-empty name and a password");
    }

    @Test
    void anUnreadableTlsFileIsNamedWhenTheClientIsBuilt() {
        EtcdConnectionConfig config = EtcdConnectionConfig.builder()
                .endpoints("https://127.0.0.1:2379")
                .caFile("/nonexistent/ca.crt")
                .build();

        assertThatThrownBy(config::newClient)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLS setup for etcd https://127.0.0.1:2379 failed: CA file /nonexistent/ca.crt cannot be read");
    }
}
