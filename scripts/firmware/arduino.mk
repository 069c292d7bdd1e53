# Builds the sketch in the current folder with Debian's arduino-mk and arduino-core-avr.
# Called by build.sh as: make -C <sketch folder> -f arduino.mk BOARD_TAG=<uno|leonardo> OBJDIR=<dir>
ARDUINO_DIR ?= /usr/share/arduino
ARDMK_DIR ?= /usr/share/arduino
AVR_TOOLS_DIR ?= /usr
ARDUINO_QUIET = 1
# Debian's WString.cpp (arduino-core-avr 1.8.x) needs DECIMAL_DIG, which gcc-avr 5.4's
# float.h leaves out of C++.
CXXFLAGS += -DDECIMAL_DIG=17
include $(ARDMK_DIR)/Arduino.mk
