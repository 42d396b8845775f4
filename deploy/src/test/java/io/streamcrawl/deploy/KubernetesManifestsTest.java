package io.streamcrawl.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/**
 * The files of deploy/kubernetes/ read by the models of what reads them in a cluster: the
 * FlinkDeployment by the Flink Kubernetes Operator's API classes, the rest by fabric8's
 * Kubernetes model; every field must be one the model knows ({@link StrictYaml}).
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("kubernetes");
    private static final String NAMESPACE = "streamcrawl";
    /** The model class of each apiVersion/kind the files may hold. */
    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/Service", Service.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "apps/v1/Deployment", Deployment.class,
            "rbac.authorization.k8s.io/v1/Role", Role.class,
            "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class,
            "flink.apache.org/v1beta1/FlinkDeployment", FlinkDeployment.class);

    private final List<HasMetadata> resources = readAll();

    @Test
    void everyDocumentIsAResourceOfAKnownKindInTheCrawlsNamespace() {
        assertThat(resources).extracting(r -> r.getKind() + "/" + r.getMetadata().getName()).containsExactlyInAnyOrder(
                "ConfigMap/prometheus-config", "ConfigMap/streamcrawl-config", "Deployment/prometheus",
                "FlinkDeployment/streamcrawl", "Namespace/streamcrawl", "PersistentVolumeClaim/flink-data",
                "Role/prometheus", "RoleBinding/prometheus", "Service/etcd", "Service/prometheus", "Service/redis",
                "ServiceAccount/prometheus", "StatefulSet/etcd", "StatefulSet/redis");
        assertThat(resources).filteredOn(r -> !(r instanceof Namespace))
                .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).as(r.getKind()).isEqualTo(NAMESPACE));
    }

    @Test
    void theFlinkDeploymentRunsTheJobWithRocksDbCheckpointsKubernetesHaAndTheAutoscaler() {
        FlinkDeployment flink = one(FlinkDeployment.class, "streamcrawl");
        var spec = flink.getSpec();
        assertThat(spec.getJob().getJarURI()).isEqualTo("local:///opt/flink/usrlib/crawler-job.jar");
        assertThat(spec.getJob().getEntryClass()).isEqualTo("io.streamcrawl.job.CrawlerJob");
        assertThat(spec.getJob().getArgs()).containsExactly("--config", "/opt/streamcrawl/crawler.yaml");
        assertThat(spec.getJob().getUpgradeMode()).isEqualTo(UpgradeMode.LAST_STATE);
        assertThat(spec.getJob().getState()).isEqualTo(JobState.RUNNING);
        assertThat(spec.getFlinkConfiguration())
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("state.backend.incremental", "true")
                .containsEntry("execution.checkpointing.dir", "file:///flink-data/checkpoints")
                .containsEntry("high-availability.type", "kubernetes")
                .containsEntry("high-availability.storageDir", "file:///flink-data/ha")
                .containsEntry("jobmanager.scheduler", "adaptive")
                .containsEntry("job.autoscaler.enabled", "true")
                .containsKeys("job.autoscaler.catch-up.duration", "job.autoscaler.target.utilization", "pipeline.max-parallelism");

        // The durable volume and the crawler's configuration are mounted where the options and args say.
        Container main = spec.getPodTemplate().getSpec().getContainers().get(0);
        assertThat(main.getName()).isEqualTo("flink-main-container");
        assertThat(main.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath())
                .containsExactlyInAnyOrder("flink-data:/flink-data", "crawler-config:/opt/streamcrawl");
        List<Volume> volumes = spec.getPodTemplate().getSpec().getVolumes();
        assertThat(volumes).filteredOn(v -> v.getName().equals("flink-data")).singleElement()
                .satisfies(v -> one(PersistentVolumeClaim.class, v.getPersistentVolumeClaim().getClaimName())
                        .getSpec().getAccessModes().contains("ReadWriteMany"));
        assertThat(volumes).filteredOn(v -> v.getName().equals("crawler-config")).singleElement()
                .satisfies(v -> assertThat(one(ConfigMap.class, v.getConfigMap().getName()).getData()).containsKey("crawler.yaml"));
        // Prometheus finds the pods by their annotations, on the reporter's port.
        assertThat(spec.getPodTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", spec.getFlinkConfiguration().get("metrics.reporter.prom.port"));
    }

    @Test
    void theFlinkVersionIsAFlink2One() {
        // The newest operator API on Maven Central here (1.10) knows versions up to v1_20; readAll()
        // reads v2_x as its newest to check the rest of the spec.
        JsonNode flink = documents().stream().filter(d -> d.path("kind").asText().equals("FlinkDeployment")).findFirst().orElseThrow();
        assertThat(flink.path("spec").path("flinkVersion").asText()).matches("v2_\\d+");
    }

    @Test
    void redisWritesAnAppendOnlyFileToAPersistentVolume() {
        StatefulSet redis = one(StatefulSet.class, "redis");
        Container container = redis.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(String.join(" ", container.getArgs())).contains("--appendonly yes", "--dir /data");
        assertThat(container.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
        assertThat(redis.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName())
                .containsExactly(container.getVolumeMounts().get(0).getName());
        assertThat(redis.getSpec().getServiceName()).isEqualTo(one(Service.class, "redis").getMetadata().getName());
    }

    @Test
    void etcdRunsThreeMembersThatFindEachOtherByTheirServiceNames() {
        StatefulSet etcd = one(StatefulSet.class, "etcd");
        assertThat(etcd.getSpec().getReplicas()).isEqualTo(3);
        assertThat(etcd.getSpec().getVolumeClaimTemplates()).hasSize(1);
        String command = String.join(" ", etcd.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand());
        assertThat(command).contains("--initial-cluster=etcd-0=http://etcd-0.etcd.streamcrawl.svc:2380,"
                + "etcd-1=http://etcd-1.etcd.streamcrawl.svc:2380,etcd-2=http://etcd-2.etcd.streamcrawl.svc:2380");
        assertThat(one(Service.class, etcd.getSpec().getServiceName()).getSpec().getClusterIP()).isEqualTo("None");
    }

    @Test
    void prometheusRenamesTheCrawlersMetricsAsTheLocalConfigurationDoes() throws IOException {
        JsonNode inCluster = StrictYaml.MAPPER.readTree(one(ConfigMap.class, "prometheus-config").getData().get("prometheus.yml"));
        JsonNode local = StrictYaml.MAPPER.readTree(Path.of("../config/prometheus/prometheus.yml").toFile());
        assertThat(inCluster.at("/scrape_configs/0/metric_relabel_configs"))
                .isEqualTo(local.at("/scrape_configs/0/metric_relabel_configs"))
                .isNotEmpty();
        assertThat(one(Deployment.class, "prometheus").getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(one(RoleBinding.class, "prometheus").getSubjects().get(0).getName());
    }

    @Test
    void aFieldTheModelDoesNotKnowFailsTheRead() {
        JsonNode flink = kind("FlinkDeployment");
        ((ObjectNode) flink.path("spec").path("job")).put("jarUri", "local:///typo.jar");
        assertThatThrownBy(() -> StrictYaml.read(versioned(flink), FlinkDeployment.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"jarUri\"");

        JsonNode inPodTemplate = kind("FlinkDeployment");
        ((ObjectNode) inPodTemplate.at("/spec/podTemplate/spec/containers/0")).putArray("volumeMount");
        assertThatThrownBy(() -> StrictYaml.read(versioned(inPodTemplate), FlinkDeployment.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"volumeMount\"");

        JsonNode redis = kind("StatefulSet");
        ((ObjectNode) redis.path("spec")).put("replica", 1);
        assertThatThrownBy(() -> StrictYaml.read(redis, StatefulSet.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"replica\"");

        JsonNode wrongType = kind("FlinkDeployment");
        ((ObjectNode) wrongType.path("spec").path("job")).put("upgradeMode", "rolling");
        assertThatThrownBy(() -> StrictYaml.read(versioned(wrongType), FlinkDeployment.class)).isInstanceOf(IOException.class);
    }

    /** Every document of every file, read by its kind's model. */
    private static List<HasMetadata> readAll() {
        List<HasMetadata> all = new ArrayList<>();
        for (JsonNode document : documents()) {
            String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            assertThat(MODELS).as("model of %s", kind).containsKey(kind);
            try {
                all.add(StrictYaml.read(versioned(document), MODELS.get(kind)));
            } catch (IOException e) {
                throw new AssertionError(kind + " " + document.path("metadata").path("name") + ": " + e.getMessage(), e);
            }
        }
        return all;
    }

    private static List<JsonNode> documents() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .flatMap(f -> StrictYaml.documents(f).stream()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a FlinkDeployment's document with a v2_x flinkVersion as the newest the API here knows. */
    private static JsonNode versioned(JsonNode document) {
        JsonNode copy = document.deepCopy();
        if (copy.path("spec").path("flinkVersion").asText().startsWith("v2_")) {
            FlinkVersion[] known = FlinkVersion.values();
            ((ObjectNode) copy.path("spec")).put("flinkVersion", known[known.length - 1].name());
        }
        return copy;
    }

    private static JsonNode kind(String kind) {
        return documents().stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst().orElseThrow().deepCopy();
    }

    private <T extends HasMetadata> T one(Class<T> type, String name) {
        return resources.stream().filter(type::isInstance).map(type::cast)
                .filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }
}
