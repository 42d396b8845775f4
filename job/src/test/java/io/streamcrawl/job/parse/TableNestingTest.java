package io.streamcrawl.job.parse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TableNesting}: which tags stand outside a table's cells. */
class TableNestingTest {
    @Test
    void allowsAnyTagOutsideTablesAndInCellsOnly() {
        TableNesting tables = new TableNesting();
        assertThat(tables.start("a")).isTrue();
        assertThat(tables.start("td")).as("a cell outside a table is ignored").isTrue();
        assertThat(tables.start("a")).isTrue();

        assertThat(tables.start("table")).isTrue();
        assertThat(tables.start("a")).as("between cells").isFalse();
        assertThat(tables.start("tr")).isTrue();
        assertThat(tables.start("script")).as("scripts stay in the table").isTrue();
        assertThat(tables.start("td")).isTrue();
        assertThat(tables.start("a")).isTrue();
        assertThat(tables.start("th")).as("the next cell closes this one").isTrue();
        assertThat(tables.start("div")).isTrue();
        tables.end("th");
        assertThat(tables.start("div")).isFalse();
        tables.end("table");
        assertThat(tables.start("div")).isTrue();
    }

    @Test
    void followsTablesInCells() {
        TableNesting tables = new TableNesting();
        tables.start("table");
        tables.start("td");
        assertThat(tables.start("table")).isTrue();
        assertThat(tables.start("a")).as("in the inner table, outside its cells").isFalse();
        tables.start("caption");
        assertThat(tables.start("a")).isTrue();
        tables.end("table");
        assertThat(tables.start("a")).as("back in the outer cell").isTrue();
        tables.end("tr");
        assertThat(tables.start("a")).isFalse();
        assertThat(tables.start("table")).as("a table between cells").isFalse();
    }
}
