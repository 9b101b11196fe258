package dev.switchover.it.faults;

import dev.switchover.migration.spi.MigrationDevice;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.FieldManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.InvocationHandlerAdapter;
import net.bytebuddy.implementation.MethodCall;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;

/**
 * A {@link MigrationDevice} class generated with Byte Buddy whose every {@code MigrationDevice}
 * (and {@code AutoCloseable}) method, the default ones included, goes to an {@link
 * InvocationHandler} held in a final field.
 *
 * <p>Why generated rather than a hand-written wrapper: a wrapper must be edited whenever the SPI
 * gains a method and silently forwards nothing for a new default method; the generated class
 * covers every method the interface has at run time. Why a wrapper at all: the real devices are
 * package-private classes in their own modules, so the fault sits in front of them.
 */
final class FaultyDevices {

    private static final Class<? extends MigrationDevice> TYPE = generate();

    private FaultyDevices() {
    }

    /** A device whose calls all go to {@code handler}; it is {@link AutoCloseable} too. */
    static MigrationDevice of(InvocationHandler handler) {
        try {
            return TYPE.getConstructor(InvocationHandler.class).newInstance(handler);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException | NoSuchMethodException e) {
            throw new IllegalStateException("can not instantiate the generated faulty device", e);
        }
    }

    private static Class<? extends MigrationDevice> generate() {
        try {
            return new ByteBuddy()
                    .subclass(Object.class)
                    .name(FaultyDevices.class.getPackageName() + ".GeneratedFaultyDevice")
                    .implement(MigrationDevice.class, AutoCloseable.class)
                    .defineField("handler", InvocationHandler.class, Visibility.PRIVATE, FieldManifestation.FINAL)
                    .defineConstructor(Visibility.PUBLIC)
                    .withParameters(InvocationHandler.class)
                    .intercept(MethodCall.invoke(Object.class.getConstructor())
                            .andThen(FieldAccessor.ofField("handler").setsArgumentAt(0)))
                    .method(isDeclaredBy(MigrationDevice.class).or(isDeclaredBy(AutoCloseable.class)))
                    .intercept(InvocationHandlerAdapter.toField("handler"))
                    .make()
                    .load(MigrationDevice.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                    .getLoaded()
                    .asSubclass(MigrationDevice.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
