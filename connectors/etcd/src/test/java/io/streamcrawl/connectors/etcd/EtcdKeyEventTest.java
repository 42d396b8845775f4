package io.streamcrawl.connectors.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** EtcdKeyEvent travels through Flink's POJO serializer, never Kryo. */
class EtcdKeyEventTest {

    @Test
    void isAPojoTypeWhoseSerializerWorksWithGenericTypesDisabled() throws Exception {
        TypeInformation<EtcdKeyEvent> type = TypeInformation.of(EtcdKeyEvent.class);
        SerializerConfigImpl noKryo = new SerializerConfigImpl();
        noKryo.setGenericTypes(false);

        TypeSerializer<EtcdKeyEvent> serializer = type.createSerializer(noKryo);

        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        assertThat(roundTrip(serializer, EtcdKeyEvent.put("/t/a/spec", "{\"seeds\":[]}", 7L)))
                .isEqualTo(EtcdKeyEvent.put("/t/a/spec", "{\"seeds\":[]}", 7L));
        assertThat(roundTrip(serializer, EtcdKeyEvent.delete("/t/a/spec", 8L)))
                .isEqualTo(new EtcdKeyEvent(EtcdKeyEvent.Type.DELETE, "/t/a/spec", null, 8L));
    }

    private static EtcdKeyEvent roundTrip(TypeSerializer<EtcdKeyEvent> serializer, EtcdKeyEvent event)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(event, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
