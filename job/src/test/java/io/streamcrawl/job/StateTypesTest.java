package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.frontier.QueueBounds;
import io.streamcrawl.job.frontier.QueuedUrl;
import io.streamcrawl.job.frontier.RecrawlEntry;
import io.streamcrawl.job.frontier.RecrawlPlan;
import io.streamcrawl.job.frontier.RetryEntry;
import io.streamcrawl.job.frontier.TaskState;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.job.url.UrlFingerprint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Type;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.AbstractInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.ClassNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.LdcInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.MethodInsnNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.MethodNode;
import org.apache.flink.shaded.asm9.org.objectweb.asm.tree.TypeInsnNode;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every type the job keeps in keyed, broadcast or operator state has a Flink serializer without
 * Kryo, and the job's own types Flink's POJO serializer down to their fields, so a state class
 * can gain or lose fields between savepoints (scripts/cluster-ops.sh upgrade does that).
 *
 * <p>The types are not listed by hand: they are the classes named in the arguments of every
 * state descriptor the job's classes create (read from their bytecode), plus what Flink's async
 * operator keeps of the crawl graph (the fetcher's requests in flight). A new state type is
 * checked the moment a descriptor names it.
 */
class StateTypesTest {
    private static final String DESCRIPTORS = "org/apache/flink/api/common/state/";

    static Stream<Class<?>> stateTypes() {
        Set<String> names = new TreeSet<>(descriptorTypes());
        for (Transformation<?> transformation : new CrawlerJobGraph(Path.of("target")).transformations()) {
            if (transformation instanceof OneInputTransformation<?, ?> operator
                    && operator.getOperatorFactory() instanceof AsyncWaitOperatorFactory) {
                names.add(operator.getInputType().getTypeClass().getName());
            }
        }
        return names.stream().map(StateTypesTest::load);
    }

    @Test
    void theStateTypesAreFoundInTheOperators() {
        assertThat(stateTypes()).contains(UrlFingerprint.class, QueueBounds.class, QueuedUrl.class, RetryEntry.class,
                RecrawlEntry.class, RecrawlPlan.class, TaskState.class, TaskCounters.Count.class, FetchRequest.class, Long.class, String.class);
        assertThat(stateTypes()).as("the frontier's wire format is not kept in state").doesNotContain(FrontierEntry.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stateTypes")
    void hasAFlinkSerializerWithoutGenericTypes(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);

        assertThat(info).isNotInstanceOf(GenericTypeInfo.class);
        if (type.getName().startsWith("io.streamcrawl.")) {
            assertThat(info).isInstanceOf(PojoTypeInfo.class);
            // Throws for a field that would need Kryo: the check goes down to the fields.
            assertThat(info.createSerializer(noGenericTypes)).isInstanceOf(PojoSerializer.class);
        } else {
            assertThat(info.createSerializer(noGenericTypes)).isNotNull();
        }
    }

    /** The class constants between the {@code new} of a state descriptor and its constructor call. */
    private static Set<String> descriptorTypes() {
        Path classes;
        try {
            classes = Path.of(CrawlerJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Set<String> types = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> types.addAll(descriptorTypes(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return types;
    }

    private static Set<String> descriptorTypes(Path classFile) {
        ClassNode node = new ClassNode();
        try (InputStream in = Files.newInputStream(classFile)) {
            new ClassReader(in).accept(node, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> types = new TreeSet<>();
        for (MethodNode method : node.methods) {
            Deque<String> open = new ArrayDeque<>();
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof TypeInsnNode type && insn.getOpcode() == Opcodes.NEW && isDescriptor(type.desc)) {
                    open.push(type.desc);
                } else if (insn instanceof MethodInsnNode call && call.name.equals("<init>")
                        && !open.isEmpty() && call.owner.equals(open.peek())) {
                    open.pop();
                } else if (insn instanceof LdcInsnNode ldc && !open.isEmpty()
                        && ldc.cst instanceof Type type && type.getSort() == Type.OBJECT) {
                    types.add(type.getClassName());
                }
            }
        }
        return types;
    }

    private static boolean isDescriptor(String internalName) {
        return internalName.startsWith(DESCRIPTORS) && internalName.endsWith("StateDescriptor");
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, StateTypesTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name, e);
        }
    }
}
