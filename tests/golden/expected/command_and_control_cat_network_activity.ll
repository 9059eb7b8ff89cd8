; ModuleID = 'rulec'
source_filename = "rulec"

@rulec_shape = constant [3 x i32] [i32 3, i32 44, i32 0]

; Function Attrs: noinline
define internal void @rules_0(ptr %0, ptr %1) #0 {
entry:
  %2 = getelementptr inbounds i8, ptr %0, i64 0
  %atoms = load ptr, ptr %2, align 8
  %3 = getelementptr inbounds i8, ptr %0, i64 8
  %memo = load ptr, ptr %3, align 8
  %4 = getelementptr inbounds i8, ptr %0, i64 16
  %lazy = load ptr, ptr %4, align 8
  %5 = getelementptr inbounds i64, ptr %atoms, i64 0
  %6 = load i64, ptr %5, align 4
  %7 = and i64 %6, 0
  %8 = and i64 %6, 31
  %9 = xor i64 %8, 31
  %10 = or i64 %9, %7
  %11 = or i64 0, %10
  %12 = icmp eq i64 %11, 0
  br i1 %12, label %and.next, label %and.end

and.end:                                          ; preds = %and.next, %entry
  %13 = phi i1 [ false, %entry ], [ %32, %and.next ]
  %14 = zext i1 %13 to i64
  %15 = shl i64 %14, 1
  %16 = or i64 0, %15
  %17 = getelementptr inbounds i64, ptr %atoms, i64 0
  %18 = load i64, ptr %17, align 4
  %19 = and i64 %18, 17592185913344
  %20 = and i64 %18, 73746
  %21 = xor i64 %20, 73746
  %22 = or i64 %21, %19
  %23 = or i64 0, %22
  %24 = icmp eq i64 %23, 0
  br i1 %24, label %and.next2, label %and.end1

and.next:                                         ; preds = %entry
  %25 = getelementptr inbounds i64, ptr %atoms, i64 0
  %26 = load i64, ptr %25, align 4
  %27 = xor i64 %26, -1
  %28 = and i64 %27, 0
  %29 = and i64 %26, 8160
  %30 = or i64 %29, %28
  %31 = or i64 0, %30
  %32 = icmp ne i64 %31, 0
  br label %and.end

and.end1:                                         ; preds = %and.next2, %and.end
  %33 = phi i1 [ false, %and.end ], [ %47, %and.next2 ]
  %34 = zext i1 %33 to i64
  %35 = shl i64 %34, 2
  %36 = or i64 %16, %35
  %37 = getelementptr inbounds i64, ptr %1, i64 0
  %38 = load i64, ptr %37, align 4
  %39 = or i64 %38, %36
  store i64 %39, ptr %37, align 4
  ret void

and.next2:                                        ; preds = %and.end
  %40 = getelementptr inbounds i64, ptr %atoms, i64 0
  %41 = load i64, ptr %40, align 4
  %42 = xor i64 %41, -1
  %43 = and i64 %42, 0
  %44 = and i64 %41, 49152
  %45 = or i64 %44, %43
  %46 = or i64 0, %45
  %47 = icmp ne i64 %46, 0
  br label %and.end1
}

define void @rulec_eval(ptr %0, ptr %1) {
entry:
  call void @rules_0(ptr %0, ptr %1)
  ret void
}

attributes #0 = { noinline }
