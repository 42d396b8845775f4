package io.streamcrawl.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class EtcdConnectionsTest {
    @Test
    void theDefaultIsTheLocalEtcdWithoutTlsOrUser() {
        EtcdConnectionConfig etcd = EtcdConnections.of(new Configuration());

        assertThat(etcd).isEqualTo(EtcdConnectionConfig.builder().endpoints("http://127.0.0.1:23790").build());
    }

    @Test
    void userAndTlsOptionsReachTheConnection() {
        Configuration config = CrawlerConfigLoader.fromArgs(new String[] {
                "--etcd.endpoints", "https://10.0.0.1:2379,https://10.0.0.2:2379",
                "--etcd.user", "crawler", "--etcd.password", "s3cret",
                "--etcd.tls.ca-file", "/etc/etcd/ca.crt",
                "--etcd.tls.cert-file", "/etc/etcd/client.crt", "--etcd.tls.key-file", "/etc/etcd/client.key",
                "--etcd.tls.authority", "etcd.internal"});

        assertThat(EtcdConnections.of(config)).isEqualTo(EtcdConnectionConfig.builder()
                .endpoints("https://10.0.0.1:2379,https://10.0.0.2:2379")
                .user("crawler", "s3cret")
                .caFile("/etc/etcd/ca.crt")
                .clientCertificate("/etc/etcd/client.crt", "/etc/etcd/client.key")
                .authority("etcd.internal")
                .build());
    }
}
