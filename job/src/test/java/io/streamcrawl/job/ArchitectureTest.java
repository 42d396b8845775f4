package io.streamcrawl.job;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;

/**
 * The dependency rules of the job and the connectors, checked on the compiled main classes. The
 * job's layers, top to bottom (each may use only those below it; see the package-info):
 * the entry points (the job's root package, {@code cli}, {@code api}), the operators ({@code control},
 * {@code frontier}, {@code fetch}, {@code parse}, {@code dedup}, {@code stats}, {@code output},
 * {@code journal}),
 * then {@code model} and {@code etcd} side by side, {@code config}, and {@code url}.
 */
class ArchitectureTest {
    private static final String JOB = "io.streamcrawl.job";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.streamcrawl");

    @Test
    void jobPackagesFormNoCycle() {
        packagesFreeOfCycles(JOB).check(MAIN);
    }

    @Test
    void jobLayersDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Entry points").definedBy(JOB, JOB + ".cli..", JOB + ".api..")
                .layer("Operators").definedBy(JOB + ".control..", JOB + ".frontier..", JOB + ".fetch..",
                        JOB + ".parse..", JOB + ".dedup..", JOB + ".stats..", JOB + ".output..", JOB + ".journal..")
                .layer("Records").definedBy(JOB + ".model..")
                .layer("Etcd helpers").definedBy(JOB + ".etcd..")
                .layer("Configuration").definedBy(JOB + ".config..")
                .layer("URLs").definedBy(JOB + ".url..")
                .whereLayer("Entry points").mayNotBeAccessedByAnyLayer()
                .whereLayer("Operators").mayOnlyBeAccessedByLayers("Entry points")
                .whereLayer("Records").mayOnlyBeAccessedByLayers("Entry points", "Operators")
                .whereLayer("Etcd helpers").mayOnlyBeAccessedByLayers("Entry points", "Operators")
                .whereLayer("Configuration").mayOnlyBeAccessedByLayers(
                        "Entry points", "Operators", "Records", "Etcd helpers")
                .whereLayer("URLs").mayOnlyBeAccessedByLayers(
                        "Entry points", "Operators", "Records", "Etcd helpers", "Configuration")
                .check(MAIN);
    }

    @Test
    void connectorsAndTestHarnessKnowNothingOfTheJob() {
        noClasses().that().resideInAnyPackage("io.streamcrawl.connectors..", "io.streamcrawl.testing..")
                .should().dependOnClassesThat().resideInAPackage(JOB + "..")
                .check(MAIN);
    }

    @Test
    void connectorsDoNotDependOnEachOther() {
        slices().matching("io.streamcrawl.connectors.(*)..").should().notDependOnEachOther().check(MAIN);
    }

    @Test
    void theCycleRuleFailsOnACycle() {
        String fixture = JOB + ".architecture.cycle";
        JavaClasses withCycle = new ClassFileImporter().importPackages(fixture);

        assertThatThrownBy(() -> packagesFreeOfCycles(fixture).check(withCycle))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
    }

    private static ArchRule packagesFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }
}
