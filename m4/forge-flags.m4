# FORGE_CHECK_CFLAG(FLAG, VARIABLE)
# Appends FLAG to VARIABLE when the C compiler accepts it without a warning.
AC_DEFUN([FORGE_CHECK_CFLAG], [
  AC_MSG_CHECKING([whether $CC accepts $1])
  CFLAGS="$CFLAGS -Werror $1"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
    [AC_MSG_RESULT([yes]); $2="$$2 $1"], [AC_MSG_RESULT([no])])
])

# FORGE_CHECK_LDFLAG(FLAG, VARIABLE)
AC_DEFUN([FORGE_CHECK_LDFLAG], [
  AC_MSG_CHECKING([whether the linker accepts $1])
  forge_save_LDFLAGS=$LDFLAGS
  LDFLAGS="$LDFLAGS -Werror $1"
  AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
    [AC_MSG_RESULT([yes]); $2="$$2 $1"], [AC_MSG_RESULT([no])])
  LDFLAGS=$forge_save_LDFLAGS
  CFLAGS=$forge_save_CFLAGS
])

# FORGE_STATIC_LIB(PREFIX, MODULE, LIB, FUNCTION)
# Links LIB (pkg-config MODULE) from its static archive when that is
# installed and a position-independent program calling FUNCTION links
# against it: PREFIX_LIBS then names the archive and what it needs. Each
# shared object forge loads costs its start-up a mapping, relocations and
# page faults (about 0.05 ms each), on every run.
AC_DEFUN([FORGE_STATIC_LIB], [
  AC_MSG_CHECKING([whether lib$3 links statically])
  forge_static_libs=" `$PKG_CONFIG --static --libs $2` "
  forge_static_libs=`echo "$forge_static_libs" |
    sed "s/ -l$3 / -Wl,-Bstatic -l$3 -Wl,-Bdynamic /"`
  forge_save_LIBS=$LIBS
  forge_save_LDFLAGS=$LDFLAGS
  forge_save_CFLAGS=$CFLAGS
  CFLAGS=
  LIBS="$forge_static_libs $LIBS"
  LDFLAGS="$LDFLAGS $FORGE_LDFLAGS"
  AC_LINK_IFELSE([AC_LANG_CALL([], [$4])],
    [AC_MSG_RESULT([yes]); $1_LIBS=$forge_static_libs],
    [AC_MSG_RESULT([no])])
  LIBS=$forge_save_LIBS
  LDFLAGS=$forge_save_LDFLAGS
  CFLAGS=$forge_save_CFLAGS
])
